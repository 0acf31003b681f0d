#include "tuner/objective.h"

#include "util/enum_names.h"
#include "util/strings.h"

#include <fmt/format.h>

namespace llmcc {

namespace {

constexpr EnumNames<Objective, 3> kObjectiveNames = {{
    {Objective::Time, "time"},
    {Objective::Size, "size"},
    {Objective::Instructions, "instructions"},
}};

} // namespace

std::string_view objective_name(Objective o) {
  return name_of(kObjectiveNames, o, "time");
}

Expected<Objective> parse_objective(const std::string& s) {
  std::string l = to_lower(trim(s));
  if (auto o = from_names(kObjectiveNames, l)) {
    return *o;
  }
  if (l == "instr" || l == "ir") {
    return Objective::Instructions;
  }
  return Error{fmt::format("unknown objective '{}' (expected time, size or instructions)", s)};
}

} // namespace llmcc
