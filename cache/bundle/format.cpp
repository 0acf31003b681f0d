#include "cache/bundle/format.h"

#include "cache/bundle/signature.h"
#include "util/enum_names.h"

#include <fmt/format.h>
#include <zstd.h>

#include <cstring>
#include <memory>
#include <fstream>
#include <sys/stat.h>

namespace llmcc {

namespace {

constexpr uint32_t kFlagSigned = 1;

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) {
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
}
void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) {
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
}
uint64_t get_le(std::string_view bytes, size_t at, int width) {
  uint64_t v = 0;
  for (int i = 0; i < width; ++i) {
    v |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[at + static_cast<size_t>(i)])) << (8 * i);
  }
  return v;
}

nlohmann::json compiler_json(const CompilerIdentity& c) {
  return {{"id", c.id},
          {"family", std::string(family_name(c.family))},
          {"version", c.version},
          {"target", c.target},
          {"version_text", c.version_text}};
}

Expected<CompilerIdentity> compiler_from_json(const nlohmann::json& j) {
  CompilerIdentity c;
  c.id = j.at("id").get<std::string>();
  c.family = family_from_name(j.at("family").get<std::string>());
  c.version = j.value("version", "");
  c.target = j.value("target", "");
  c.version_text = j.value("version_text", "");
  return c;
}

Expected<Bundle> bundle_from_json(const nlohmann::json& doc) {
  try {
    if (!doc.is_object() || doc.value("format", "") != "llmcc-bundle") {
      return Error{"not an llmcc bundle document"};
    }
    if (doc.at("version").get<int64_t>() != kBundleFormatVersion) {
      return Error{fmt::format("bundle document version {} is not {} (this llmcc's)", doc.at("version").dump(),
                               kBundleFormatVersion)};
    }
    Bundle b;
    const auto& p = doc.at("provenance");
    b.provenance.host_fp = p.value("host_fp", "");
    b.provenance.hw_class = p.value("hw_class", "");
    b.provenance.llmcc_version = p.value("llmcc_version", "");
    b.provenance.created = p.value("created", int64_t{0});
    for (const auto& c : doc.at("compilers")) {
      auto ci = compiler_from_json(c);
      if (!ci) {
        return Error{ci.error()};
      }
      b.compilers.push_back(*ci);
    }
    const auto& winners = doc.at("winners");
    if (!winners.is_array()) {
      return Error{"bundle winners are not a list"};
    }
    if (winners.size() > kMaxBundleWinners) {
      return Error{fmt::format("bundle holds {} winners, more than the limit of {}", winners.size(), kMaxBundleWinners)};
    }
    b.winners.assign(winners.begin(), winners.end());
    if (auto h = doc.find("history"); h != doc.end()) {
      if (!h->is_object() || !h->at("version").is_number_integer()) {
        return Error{"bundle history is not a versioned section"};
      }
      const int64_t version = h->at("version").get<int64_t>();
      if (version != kBundleHistoryVersion) {
        b.history_note = fmt::format("its trial history is version {}, this llmcc reads version {}: left out",
                                     version, kBundleHistoryVersion);
        return b;
      }
      const auto& trials = h->at("trials");
      if (!trials.is_array()) {
        return Error{"bundle history trials are not a list"};
      }
      if (trials.size() > kMaxBundleHistoryTrials) {
        return Error{fmt::format("bundle history holds {} trials, more than the limit of {}", trials.size(),
                                 kMaxBundleHistoryTrials)};
      }
      b.history_version = kBundleHistoryVersion;
      b.history.assign(trials.begin(), trials.end());
    }
    return b;
  } catch (const std::exception& e) {
    return Error{std::string("malformed bundle document: ") + e.what()};
  }
}

} // namespace

std::string_view to_string(SignatureState s) {
  static constexpr EnumNames<SignatureState, 3> names = {{
      {SignatureState::Unsigned, "unsigned"},
      {SignatureState::Verified, "verified"},
      {SignatureState::NotChecked, "signed, not checked (LLMCC_TEAM_KEY is not set)"},
  }};
  return name_of(names, s, "?");
}

nlohmann::json winner_entry(const WinnerRecord& w) {
  nlohmann::json j = w.to_json();
  j.erase("provenance"); // this host's view of where it came from; the bundle has its own
  j["evidence"] = {{"baseline", w.baseline}, {"tuned", w.best},          {"speedup", w.speedup},
                   {"low", w.speedup_low},   {"high", w.speedup_high},   {"trials", w.trials},
                   {"objective", w.objective}, {"verdict", "confirmed"}};
  return j;
}

Expected<std::string> encode_bundle(const Bundle& bundle, const std::optional<std::string>& team_key) {
  nlohmann::json doc = {
      {"format", "llmcc-bundle"},
      {"version", kBundleFormatVersion},
      {"description", "llmcc winners: per-TU compiler configs with their evidence (docs/sharing.md)"},
      {"provenance",
       {{"host_fp", bundle.provenance.host_fp},
        {"hw_class", bundle.provenance.hw_class},
        {"llmcc_version", bundle.provenance.llmcc_version},
        {"created", bundle.provenance.created}}},
      {"compilers", nlohmann::json::array()},
      {"winners", bundle.winners},
  };
  for (const auto& c : bundle.compilers) {
    doc["compilers"].push_back(compiler_json(c));
  }
  if (bundle.history_version != 0) {
    doc["history"] = {{"version", bundle.history_version}, {"trials", bundle.history}};
  }
  std::string text = doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string frame(ZSTD_compressBound(text.size()), '\0');
  // The frame's checksum makes a flipped byte in transit a clean refusal rather
  // than different JSON.
  std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> cctx(ZSTD_createCCtx(), &ZSTD_freeCCtx);
  if (!cctx) {
    return Error{"zstd: cannot create a compression context"};
  }
  ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_compressionLevel, 19);
  ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_checksumFlag, 1);
  size_t n = ZSTD_compress2(cctx.get(), frame.data(), frame.size(), text.data(), text.size());
  if (ZSTD_isError(n)) {
    return Error{std::string("zstd: ") + ZSTD_getErrorName(n)};
  }
  frame.resize(n);
  std::string out(kBundleMagic);
  put_u32(out, kBundleFormatVersion);
  put_u32(out, team_key ? kFlagSigned : 0);
  put_u64(out, frame.size());
  put_u64(out, text.size());
  if (team_key) {
    out += hmac_sha256(*team_key, out + frame);
  }
  out += frame;
  if (out.size() > kMaxBundleFileBytes) {
    return Error{fmt::format("the bundle would be {} bytes, over the limit of {}; export fewer winners (--hw-class, "
                             "--compiler, --project)",
                             out.size(), kMaxBundleFileBytes)};
  }
  return out;
}

Expected<DecodedBundle> decode_bundle(std::string_view bytes, const std::optional<std::string>& team_key) {
  if (bytes.size() < kBundleHeaderSize || bytes.substr(0, kBundleMagic.size()) != kBundleMagic) {
    return Error{"not an llmcc bundle (bad magic or truncated header)"};
  }
  const uint64_t version = get_le(bytes, 8, 4);
  const uint64_t flags = get_le(bytes, 12, 4);
  const uint64_t payload_size = get_le(bytes, 16, 8);
  const uint64_t content_size = get_le(bytes, 24, 8);
  if (version != kBundleFormatVersion) {
    return Error{fmt::format("bundle format version {} is not supported (this llmcc reads version {})", version,
                             kBundleFormatVersion)};
  }
  if ((flags & ~uint64_t{kFlagSigned}) != 0) {
    return Error{fmt::format("bundle has unknown flags {:#x}", flags)};
  }
  const bool is_signed = (flags & kFlagSigned) != 0;
  const size_t mac_size = is_signed ? kSignatureSize : 0;
  if (content_size > kMaxBundleContentBytes || payload_size > kMaxBundleFileBytes) {
    return Error{fmt::format("bundle claims {} bytes of content ({} compressed), over the limit", content_size,
                             payload_size)};
  }
  if (bytes.size() != kBundleHeaderSize + mac_size + payload_size) {
    return Error{fmt::format("bundle is {} bytes, its header says {} (truncated or trailing data)", bytes.size(),
                             kBundleHeaderSize + mac_size + payload_size)};
  }
  std::string_view payload = bytes.substr(kBundleHeaderSize + mac_size);
  DecodedBundle out;
  if (team_key) {
    if (!is_signed) {
      return Error{"bundle is not signed, and LLMCC_TEAM_KEY is set: refused"};
    }
    std::string signed_bytes(bytes.substr(0, kBundleHeaderSize));
    signed_bytes += payload;
    if (!signature_matches(*team_key, signed_bytes, bytes.substr(kBundleHeaderSize, kSignatureSize))) {
      return Error{"bundle signature does not match LLMCC_TEAM_KEY: refused"};
    }
    out.signature = SignatureState::Verified;
  } else {
    out.signature = is_signed ? SignatureState::NotChecked : SignatureState::Unsigned;
  }
  const unsigned long long frame_size = ZSTD_getFrameContentSize(payload.data(), payload.size());
  if (frame_size == ZSTD_CONTENTSIZE_ERROR || frame_size == ZSTD_CONTENTSIZE_UNKNOWN || frame_size != content_size) {
    return Error{"bundle payload is not a zstd frame of the declared size"};
  }
  std::string text(content_size, '\0');
  size_t n = ZSTD_decompress(text.data(), text.size(), payload.data(), payload.size());
  if (ZSTD_isError(n) || n != content_size) {
    return Error{std::string("bundle payload does not decompress: ") +
                 (ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short content")};
  }
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded()) {
    return Error{"bundle content is not valid JSON"};
  }
  auto b = bundle_from_json(doc);
  if (!b) {
    return Error{b.error()};
  }
  out.bundle = std::move(*b);
  return out;
}

Expected<DecodedBundle> read_bundle_file(const std::string& path, const std::optional<std::string>& team_key) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Error{fmt::format("cannot read {}: not a regular file", path)};
  }
  if (static_cast<uint64_t>(st.st_size) > kMaxBundleFileBytes + kBundleHeaderSize + kSignatureSize) {
    return Error{fmt::format("{} is {} bytes, larger than any bundle llmcc reads", path, st.st_size)};
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    return Error{fmt::format("cannot read {}", path)};
  }
  return decode_bundle(bytes, team_key);
}

} // namespace llmcc
