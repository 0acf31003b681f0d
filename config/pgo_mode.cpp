#include "config/pgo_mode.h"

#include "util/enum_names.h"

namespace llmcc {

namespace {

constexpr EnumNames<PgoMode, 3> kNames = {{
    {PgoMode::Off, "off"},
    {PgoMode::On, "on"},
    {PgoMode::Auto, "auto"},
}};

} // namespace

std::optional<PgoMode> pgo_mode_from_string(std::string_view s) { return from_names(kNames, s); }

std::string_view to_string(PgoMode m) { return name_of(kNames, m, "off"); }

} // namespace llmcc
