#include "cache/remote/file_store.h"

#include "util/fs.h"
#include "util/strings.h"

#include <fmt/format.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <memory>
#include <sys/file.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <random>
#include <unistd.h>

namespace llmcc {

namespace {

class FileStore : public RemoteStore {
public:
  FileStore(RemoteSpec spec, std::string dir) : RemoteStore(std::move(spec)), m_dir(std::move(dir)) {}

  RemoteReply get(const std::string& key) override {
    std::string path = m_dir + "/" + key;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      return errno == ENOENT ? RemoteReply{} : failure(path);
    }
    if (!S_ISREG(st.st_mode) || static_cast<size_t>(st.st_size) > kMaxRemoteValueBytes) {
      return {RemoteFailure::Error, fmt::format("{}: not a regular file or too large", path), std::nullopt};
    }
    auto text = fs::read_file(path);
    if (!text) {
      return {RemoteFailure::Error, text.error().message, std::nullopt};
    }
    return {RemoteFailure::None, "", std::move(*text)};
  }

  RemoteReply put(const std::string& key, std::string_view value) override {
    std::string path = m_dir + "/" + key;
    if (Status s = fs::make_dirs(fs::dir_name(path)); !s) {
      return {errno == EACCES || errno == EROFS ? RemoteFailure::Denied : RemoteFailure::Error, s.message(),
              std::nullopt};
    }
    if (Status s = fs::write_file_atomic(path, value); !s) {
      return {errno == EACCES || errno == EROFS ? RemoteFailure::Denied : RemoteFailure::Error, s.message(),
              std::nullopt};
    }
    return {};
  }

  RemoteReply remove(const std::string& key) override {
    std::string path = m_dir + "/" + key;
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      return failure(path);
    }
    return {};
  }

  RemoteReply list(const std::string& prefix) override {
    std::string dir = m_dir + "/" + prefix;
    std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
    if (!d) {
      return errno == ENOENT ? RemoteReply{} : failure(dir);
    }
    RemoteReply r;
    while (dirent* e = ::readdir(d.get())) {
      // Temporary files of a write in progress ("<key>.tmp.<pid>.<rand>") are not plain names.
      struct stat st {};
      bool regular = e->d_type == DT_REG ||
                     (e->d_type == DT_UNKNOWN && ::stat((dir + e->d_name).c_str(), &st) == 0 && S_ISREG(st.st_mode));
      if (regular && is_plain_key_name(e->d_name) && r.keys.size() < kMaxRemoteListKeys) {
        r.keys.push_back(prefix + e->d_name);
      }
    }
    std::sort(r.keys.begin(), r.keys.end());
    return r;
  }

  // A claim appears whole or not at all: written to a private name, then
  // link()ed to the key, which fails with EEXIST when another host's claim is
  // there (O_EXCL's guarantee, also on NFS, without a half-written file).
  RemoteReply create(const std::string& key, std::string_view value, int) override {
    std::string path = m_dir + "/" + key;
    if (Status s = fs::make_dirs(fs::dir_name(path)); !s) {
      return {errno == EACCES || errno == EROFS ? RemoteFailure::Denied : RemoteFailure::Error, s.message(),
              std::nullopt};
    }
    std::string tmp = fmt::format("{}.claim.{}.{}", path, ::getpid(), std::random_device{}());
    if (Status s = fs::write_file_atomic(tmp, value); !s) {
      return {errno == EACCES || errno == EROFS ? RemoteFailure::Denied : RemoteFailure::Error, s.message(),
              std::nullopt};
    }
    for (int attempt = 0; attempt < 3; ++attempt) {
      if (::link(tmp.c_str(), path.c_str()) == 0) {
        ::unlink(tmp.c_str());
        return {};
      }
      if (errno != EEXIST) {
        RemoteReply r = failure(path);
        ::unlink(tmp.c_str());
        return r;
      }
      RemoteReply cur = get(key);
      if (!cur.ok() || cur.body) {
        ::unlink(tmp.c_str());
        return cur.ok() ? RemoteReply{RemoteFailure::None, "", std::move(cur.body)} : cur;
      }
      // Released between link() and get(): try again.
    }
    ::unlink(tmp.c_str());
    return {RemoteFailure::None, "", std::string()};
  }

  // Taking over and releasing compare the value under an flock of "<key>.lock"
  // (never a plain key name, so listings skip it): the value cannot change
  // between the compare and the write, since create() only ever adds a key
  // that is not there.
  RemoteReply swap(const std::string& key, std::string_view expected, std::string_view value, int) override {
    return locked(key, [&](const std::string& path, const std::string& current) -> RemoteReply {
      if (current != expected) {
        return {RemoteFailure::None, "", current};
      }
      if (Status s = fs::write_file_atomic(path, value); !s) {
        return {RemoteFailure::Error, s.message(), std::nullopt};
      }
      return {};
    });
  }

  RemoteReply remove_if(const std::string& key, std::string_view expected) override {
    return locked(key, [&](const std::string& path, const std::string& current) -> RemoteReply {
      if (current != expected) {
        return {RemoteFailure::None, "", current};
      }
      if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        return failure(path);
      }
      return {};
    });
  }

  bool atomic_claims() const override { return true; }

private:
  template <typename Fn> RemoteReply locked(const std::string& key, Fn&& fn) {
    std::string path = m_dir + "/" + key;
    std::string lock_path = path + ".lock";
    if (Status s = fs::make_dirs(fs::dir_name(path)); !s) {
      return {RemoteFailure::Error, s.message(), std::nullopt};
    }
    int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      return failure(lock_path);
    }
    std::unique_ptr<int, void (*)(int*)> guard(&fd, [](int* f) { ::close(*f); }); // closing drops the flock
    if (::flock(fd, LOCK_EX) != 0) {
      return failure(lock_path);
    }
    RemoteReply cur = get(key);
    if (!cur.ok()) {
      return cur;
    }
    return fn(path, cur.body.value_or(""));
  }

  static RemoteReply failure(const std::string& path) {
    RemoteFailure kind = errno == EACCES ? RemoteFailure::Denied : RemoteFailure::Error;
    return {kind, fmt::format("{}: {}", path, std::strerror(errno)), std::nullopt};
  }
  std::string m_dir;
};

} // namespace

Expected<std::unique_ptr<RemoteStore>> make_file_store(const RemoteSpec& spec) {
  std::string dir = spec.url.substr(5);
  if (starts_with(dir, "//")) {
    dir = dir.substr(2); // file:///dir
  }
  if (dir.empty() || dir[0] != '/') {
    return Error{fmt::format("remote store '{}': a file: store needs an absolute directory", spec.url)};
  }
  return std::unique_ptr<RemoteStore>(std::make_unique<FileStore>(spec, dir));
}

} // namespace llmcc
