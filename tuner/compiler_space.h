// The search space for one compiler binary: the option tables' dimensions,
// minus the options this compiler does not accept. Probing costs a few compiles,
// so the answer is kept in the database per compiler id and option list.
#pragma once

#include "cache/records.h"
#include "flags/allow_list.h"
#include "tuner/search_space.h"

#include <string>
#include <vector>

namespace llmcc {

class Progress;
class Store;

SearchSpace probed_search_space(Store& store, const CompilerIdentity& compiler, const SafetyPolicy& policy,
                                Progress& progress, std::vector<std::string>& notes);

} // namespace llmcc
