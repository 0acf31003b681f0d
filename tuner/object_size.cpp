#include "tuner/object_size.h"

#include "util/fs.h"
#include "util/strings.h"

#include <elf.h>

#include <fmt/format.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>

namespace llmcc {

namespace {

struct Elf32 {
  using Ehdr = Elf32_Ehdr;
  using Shdr = Elf32_Shdr;
};
struct Elf64 {
  using Ehdr = Elf64_Ehdr;
  using Shdr = Elf64_Shdr;
};

bool counted_section(std::string_view name) {
  static const char* const prefixes[] = {".text",  ".data",    ".rodata", ".bss",
                                         ".ldata", ".lrodata", ".lbss"};
  for (const char* p : prefixes) {
    size_t n = std::strlen(p);
    // ".text" and ".text.hot" count; ".textual" would not be a code section.
    if (starts_with(name, p) && (name.size() == n || name[n] == '.')) {
      return true;
    }
  }
  return false;
}

template <class E> Expected<double> elf_size(const std::string& data, const std::string& path) {
  using Ehdr = typename E::Ehdr;
  using Shdr = typename E::Shdr;
  auto bad = [&](std::string_view why) {
    return Error{fmt::format("{}: malformed ELF ({})", path, why)};
  };
  if (data.size() < sizeof(Ehdr)) {
    return bad("truncated header");
  }
  Ehdr eh;
  std::memcpy(&eh, data.data(), sizeof eh);
  if (eh.e_shoff == 0) {
    return bad("no section headers");
  }
  if (eh.e_shentsize < sizeof(Shdr)) {
    return bad("section header size");
  }
  auto section = [&](uint64_t i) -> std::optional<Shdr> {
    uint64_t off = eh.e_shoff + i * eh.e_shentsize;
    if (off < eh.e_shoff || off > data.size() || data.size() - off < sizeof(Shdr)) {
      return std::nullopt;
    }
    Shdr sh;
    std::memcpy(&sh, data.data() + off, sizeof sh);
    return sh;
  };
  auto first = section(0);
  if (!first) {
    return bad("section headers out of range");
  }
  // Past 0xff00 sections the real count and string table index live in section 0.
  uint64_t count = eh.e_shnum != 0 ? eh.e_shnum : first->sh_size;
  uint64_t strndx = eh.e_shstrndx != SHN_XINDEX ? eh.e_shstrndx : first->sh_link;
  auto strtab = section(strndx);
  if (strndx >= count || !strtab) {
    return bad("section name table");
  }
  uint64_t str_off = strtab->sh_offset;
  uint64_t str_size = strtab->sh_size;
  if (str_off > data.size() || data.size() - str_off < str_size) {
    return bad("section name table out of range");
  }
  double total = 0;
  for (uint64_t i = 1; i < count; ++i) {
    auto sh = section(i);
    if (!sh) {
      return bad("section headers out of range");
    }
    if (!(sh->sh_flags & SHF_ALLOC) || sh->sh_name >= str_size) {
      continue;
    }
    const char* name = data.data() + str_off + sh->sh_name;
    size_t max_len = static_cast<size_t>(str_size - sh->sh_name);
    std::string_view n(name, strnlen(name, max_len));
    if (counted_section(n)) {
      total += static_cast<double>(sh->sh_size);
    }
  }
  return total;
}

} // namespace

Expected<double> object_code_size(const std::string& path) {
  auto data = fs::read_file(path);
  if (!data) {
    return data.error();
  }
  const std::string& d = *data;
  if (d.size() < EI_NIDENT || std::memcmp(d.data(), ELFMAG, SELFMAG) != 0) {
    return Error{fmt::format("{}: not an ELF file", path)};
  }
  // Headers are read in host byte order; objects for another endianness are
  // not what a tuner running here measures.
  const int host_data = std::endian::native == std::endian::little ? ELFDATA2LSB : ELFDATA2MSB;
  if (static_cast<unsigned char>(d[EI_DATA]) != host_data) {
    return Error{fmt::format("{}: ELF byte order differs from the host's", path)};
  }
  switch (static_cast<unsigned char>(d[EI_CLASS])) {
  case ELFCLASS64:
    return elf_size<Elf64>(d, path);
  case ELFCLASS32:
    return elf_size<Elf32>(d, path);
  default:
    return Error{fmt::format("{}: unknown ELF class", path)};
  }
}

} // namespace llmcc
