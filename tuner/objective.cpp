#include "tuner/objective.h"

#include "util/strings.h"

#include <fmt/format.h>

namespace llmcc {

std::string_view objective_name(Objective o) {
  switch (o) {
  case Objective::Time:
    return "time";
  case Objective::Size:
    return "size";
  case Objective::Instructions:
    return "instructions";
  }
  return "time";
}

Expected<Objective> parse_objective(const std::string& s) {
  std::string l = to_lower(trim(s));
  if (l == "time") {
    return Objective::Time;
  }
  if (l == "size") {
    return Objective::Size;
  }
  if (l == "instructions" || l == "instr" || l == "ir") {
    return Objective::Instructions;
  }
  return Error{fmt::format("unknown objective '{}' (expected time, size or instructions)", s)};
}

} // namespace llmcc
