#include "tuner/pgo_training.h"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>

#include "cache/local/store.h"
#include "cache/profile_files.h"
#include "tuner/ab_measure.h"
#include "tuner/binary_install.h"
#include "tuner/build_driver.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/process.h"
#include "util/strings.h"
#include "wrapper/profile_flags.h"

namespace llmcc {

namespace stdfs = std::filesystem;

std::string find_llvm_profdata(const CompilerIdentity& compiler) {
  std::string major = compiler.version.substr(0, compiler.version.find('.'));
  for (const std::string& name : {"llvm-profdata-" + major, std::string("llvm-profdata")}) {
    if (std::string p = fs::find_in_path(name, nullptr, nullptr); !p.empty()) {
      return p;
    }
  }
  return {};
}

std::string pgo_unavailable(const CompilerIdentity& compiler, std::string* profdata) {
  if (compiler.family == CompilerFamily::Gcc) {
    return {};
  }
  if (compiler.family != CompilerFamily::Clang) {
    return "PGO needs gcc or clang";
  }
  *profdata = find_llvm_profdata(compiler);
  if (profdata->empty()) {
    std::string major = compiler.version.substr(0, compiler.version.find('.'));
    return fmt::format("llvm-profdata-{} (or llvm-profdata) is not in PATH, so clang profiles cannot be merged; "
                       "install llvm-{} to tune with PGO",
                       major, major);
  }
  return {};
}

std::string bench_identity(const std::vector<std::string>& argv, const std::string& cwd) {
  Hasher h;
  for (const auto& a : argv) {
    h.field(a);
  }
  h.field(cwd);
  return h.hex();
}

namespace {

// Every file under `dir` whose name ends in `ext`.
std::vector<std::string> files_with(const std::string& dir, const std::string& ext) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = stdfs::recursive_directory_iterator(dir, ec); !ec && it != stdfs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file() && ends_with(it->path().string(), ext)) {
      out.push_back(it->path().string());
    }
  }
  return out;
}

// Removes the training directory however training ends.
class ScratchDir {
public:
  explicit ScratchDir(std::string path) : m_path(std::move(path)) {
    std::error_code ec;
    stdfs::remove_all(m_path, ec);
    stdfs::create_directories(m_path, ec);
  }
  ~ScratchDir() {
    std::error_code ec;
    stdfs::remove_all(m_path, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return m_path; }

private:
  std::string m_path;
};

// The merged profile of one training run, in `dir`.
Expected<std::string> merged_profile(const TrainingSetup& s, const std::string& dir) {
  if (s.compiler.family == CompilerFamily::Gcc) {
    // Only this TU was instrumented: its .gcda is the one file, by either of gcc's names.
    for (const std::string& gcda :
         {dir + gcda_relative_name(s.compile.output), dir + gcda_mangled_name(s.compile.output)}) {
      if (fs::exists(gcda)) {
        return gcda;
      }
    }
    return Error{fmt::format("the training run wrote no profile for {}", s.compile.source)};
  }
  auto raw = files_with(dir, ".profraw");
  if (raw.empty()) {
    return Error{"the training run wrote no .profraw file"};
  }
  std::string merged = dir + "/merged.profdata";
  ProcessOptions o;
  // --sparse: functions the training run never reached get no counts, so they
  // keep their normal optimisation.
  o.argv = {s.profdata, "merge", "--sparse", "-o", merged};
  o.argv.insert(o.argv.end(), raw.begin(), raw.end());
  o.timeout_sec = 600;
  auto p = run_process(o);
  if (!p) {
    return Error{p.error().message};
  }
  if (!p->success()) {
    return Error{fmt::format("{} merge failed ({}): {}", s.profdata, p->describe(), p->err.substr(0, 500))};
  }
  return merged;
}

} // namespace

Expected<ProfileRecord> train_profile(const TrainingSetup& s, const std::optional<TuneConfig>& config) {
  const std::string family(family_name(s.compiler.family));
  ScratchDir dir(profiles_dir(s.cache_dir) + "/train/" + s.tu_key.substr(0, 16));
  BuildResult b = s.driver->rebuild_instrumented(s.compile, config, dir.path(), s.compiler.family);
  if (!b.ok) {
    return Error{"the instrumented build failed: " + b.log};
  }
  if (Status st = save_program(s.program_files, s.copy); !st) {
    return Error{st.message()};
  }
  RunSample run = s.measure->run_with(s.copy, instrument_run_env(s.compiler.family, dir.path()));
  if (!run.ok) {
    return Error{"the training run failed: " + run.failure};
  }
  auto merged = merged_profile(s, dir.path());
  if (!merged) {
    return merged.error();
  }
  auto hash = hash_file_hex(*merged);
  if (!hash) {
    return hash.error();
  }
  ProfileRecord rec;
  rec.hash = *hash;
  rec.tu_key = s.tu_key;
  rec.bench_id = s.bench_id;
  rec.family = family;
  rec.path = profile_file(s.cache_dir, *hash, family);
  std::error_code ec;
  rec.size = static_cast<int64_t>(stdfs::file_size(*merged, ec));
  if (!fs::exists(rec.path)) {
    stdfs::create_directories(fs::dir_name(rec.path), ec);
    // Copied beside its final name first, then renamed: a reader never sees half a profile.
    std::string tmp = rec.path + ".tmp";
    stdfs::copy_file(*merged, tmp, stdfs::copy_options::overwrite_existing, ec);
    if (!ec) {
      stdfs::rename(tmp, rec.path, ec);
    }
    if (ec) {
      return Error{fmt::format("cannot store the profile in {}: {}", rec.path, ec.message())};
    }
  }
  if (Status st = s.store->put_profile(rec); !st) {
    return Error{"cannot record the profile: " + st.message()};
  }
  return rec;
}

} // namespace llmcc
