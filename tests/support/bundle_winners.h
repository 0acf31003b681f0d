// Winners and bundles as the sharing tests make them: one gcc, one hardware
// class, a winner per TU key digit.
#pragma once

#include "cache/bundle/format.h"

#include <string>
#include <vector>

namespace llmcc::testing {

inline const std::string kBundleCompilerId(32, 'c');

inline CompilerIdentity bundle_gcc() {
  CompilerIdentity c;
  c.id = kBundleCompilerId;
  c.path = "/usr/bin/gcc-12";
  c.family = CompilerFamily::Gcc;
  c.version = "12.2.0";
  c.target = "x86_64-linux-gnu";
  c.binary_hash = "00";
  c.version_text = "gcc (Debian 12.2.0-14) 12.2.0";
  return c;
}

// -O3 plus `options` for TU key "<key_digit> x 32", on time, tuned on host
// abc123 of class x86_64/GenuineIntel/x86-64-v3, confirmed at [low, low + 0.2].
inline WinnerRecord bundle_winner(const std::string& rel, char key_digit, double low,
                                  std::vector<std::string> options = {"-funroll-loops"}) {
  WinnerRecord w;
  w.tu_key = std::string(32, key_digit);
  w.source_rel = rel;
  w.source_base = rel.substr(rel.rfind('/') + 1);
  w.compiler_id = kBundleCompilerId;
  w.host_fp = "abc123";
  w.hw_class = "x86_64/GenuineIntel/x86-64-v3";
  w.config.opt_level = "-O3";
  w.config.options = std::move(options);
  w.speedup = low + 0.1;
  w.speedup_low = low;
  w.speedup_high = low + 0.2;
  w.baseline = 2.0;
  w.best = 1.6;
  w.trials = 12;
  w.created = 1000;
  return w;
}

// The bundle host abc123 would export with these winners.
inline Bundle bundle_of(const std::vector<WinnerRecord>& winners) {
  Bundle b;
  b.provenance = {"abc123", "x86_64/GenuineIntel/x86-64-v3", "0.1.0", 1000};
  b.compilers.push_back(bundle_gcc());
  for (const auto& w : winners) {
    b.winners.push_back(winner_entry(w));
  }
  return b;
}

} // namespace llmcc::testing
