// Trained PGO profiles: a file path and content hash per profile, so a bundle
// or remote store can carry the file with the winner that uses it.
#include "cache/local/store.h"

namespace llmcc {

static Expected<ProfileRecord> profile_from_row(const Statement& st) {
  ProfileRecord p;
  p.hash = st.text(0);
  p.tu_key = st.text(1);
  p.bench_id = st.text(2);
  p.family = st.text(3);
  p.path = st.text(4);
  p.size = st.integer(5);
  p.created = st.integer(6);
  return p;
}

Status Store::put_profile(const ProfileRecord& p) {
  if (Status s = open_tuning(); !s) {
    return s;
  }
  return m_db->run("INSERT INTO profiles(hash, tu_key, bench_id, family, path, size, created) VALUES(?,?,?,?,?,?,?)"
                   " ON CONFLICT(hash) DO UPDATE SET tu_key=excluded.tu_key, bench_id=excluded.bench_id,"
                   " family=excluded.family, path=excluded.path, size=excluded.size",
                   p.hash, p.tu_key, p.bench_id, p.family, p.path, p.size, p.created ? p.created : now_unix());
}

Expected<std::optional<ProfileRecord>> Store::profile(const std::string& hash) {
  if (Status s = open_tuning(); !s) {
    return Error{s.message()};
  }
  return m_db->first_row<ProfileRecord>(
      profile_from_row, "SELECT hash, tu_key, bench_id, family, path, size, created FROM profiles WHERE hash=?", hash);
}

} // namespace llmcc
