// llmcc's GCC plugin: a GIMPLE pass right after `ssa` that counts the static
// features of features/feature_kinds.h for every function and writes them as
// JSON to the file named by -fplugin-arg-llmcc_features-out=FILE when the
// compile finishes. Loaded only by llmcc itself (`llmcc features`, tuning),
// never from a config. Built with -fno-rtti against this machine's GCC.
#include "gcc-plugin.h"
// gcc-plugin.h first; the rest in GCC's own include order.
#include "plugin-version.h"
#include "tree.h"
#include "tree-pass.h"
#include "context.h"
#include "function.h"
#include "basic-block.h"
#include "cfgloop.h"
#include "gimple.h"
#include "gimple-iterator.h"
#include "gimple-ssa.h"
#include "ssa.h"
#include "tree-ssa-operands.h"
#include "diagnostic-core.h"

#include "features/feature_kinds.h"

#include <cstdio>
#include <string>
#include <vector>

int plugin_is_GPL_compatible;

namespace {

struct FunctionCounts {
  std::string name;
  std::array<long, llmcc::kFeatureCount> v{};
  long& operator[](llmcc::Feature f) { return v[llmcc::index_of(f)]; }
};

std::vector<FunctionCounts> g_functions;
std::string g_out;

// What counts as a statement: everything but labels, nops, predictions and debug
// statements (they are not code).
bool is_counted(const gimple* g) {
  switch (gimple_code(g)) {
  case GIMPLE_LABEL:
  case GIMPLE_NOP:
  case GIMPLE_PREDICT:
  case GIMPLE_DEBUG:
    return false;
  default:
    return true;
  }
}

// Edges that stay inside the function: the entry and exit edges have no
// counterpart in LLVM IR.
int real_succs(basic_block bb) {
  int n = 0;
  edge e;
  edge_iterator ei;
  FOR_EACH_EDGE (e, ei, bb->succs) {
    if (e->dest != EXIT_BLOCK_PTR_FOR_FN(cfun)) {
      ++n;
    }
  }
  return n;
}

int real_preds(basic_block bb) {
  int n = 0;
  edge e;
  edge_iterator ei;
  FOR_EACH_EDGE (e, ei, bb->preds) {
    if (e->src != ENTRY_BLOCK_PTR_FOR_FN(cfun)) {
      ++n;
    }
  }
  return n;
}

void count_assign(const gimple* g, FunctionCounts& c) {
  using llmcc::Feature;
  enum tree_code code = gimple_assign_rhs_code(g);
  tree lhs = gimple_assign_lhs(g);
  if (gimple_assign_load_p(g)) {
    ++c[Feature::Loads];
  }
  if (gimple_store_p(g)) {
    ++c[Feature::Stores];
  }
  enum tree_code_class cls = TREE_CODE_CLASS(code);
  bool arith = cls == tcc_binary || (cls == tcc_unary && code != NOP_EXPR && code != CONVERT_EXPR &&
                                     code != FLOAT_EXPR && code != FIX_TRUNC_EXPR);
  if (!arith) {
    return;
  }
  tree type = TREE_TYPE(lhs);
  if (FLOAT_TYPE_P(type)) {
    ++c[Feature::FpOps];
  } else if (INTEGRAL_TYPE_P(type)) {
    ++c[Feature::IntOps];
  } else {
    return;
  }
  bool constant = CONSTANT_CLASS_P(gimple_assign_rhs1(g)) ||
                  (cls == tcc_binary && CONSTANT_CLASS_P(gimple_assign_rhs2(g)));
  if (constant) {
    ++c[Feature::ConstOperandOps];
  }
}

FunctionCounts count_function(function* fun) {
  using llmcc::Feature;
  FunctionCounts c;
  c.name = IDENTIFIER_POINTER(DECL_ASSEMBLER_NAME(fun->decl));
  c[Feature::Functions] = 1;
  basic_block bb;
  FOR_EACH_BB_FN (bb, fun) {
    ++c[Feature::BasicBlocks];
    int succs = real_succs(bb), preds = real_preds(bb);
    c[Feature::Edges] += succs;
    if (succs == 1) {
      ++c[Feature::BlocksOneSucc];
    } else if (succs == 2) {
      ++c[Feature::BlocksTwoSucc];
    } else if (succs > 2) {
      ++c[Feature::BlocksManySucc];
    }
    if (preds == 1) {
      ++c[Feature::BlocksOnePred];
    } else if (preds == 2) {
      ++c[Feature::BlocksTwoPred];
    } else if (preds > 2) {
      ++c[Feature::BlocksManyPred];
    }
    if (succs > 1) {
      edge e;
      edge_iterator ei;
      FOR_EACH_EDGE (e, ei, bb->succs) {
        if (e->dest != EXIT_BLOCK_PTR_FOR_FN(fun) && real_preds(e->dest) > 1) {
          ++c[Feature::CriticalEdges];
        }
      }
    }
    for (gphi_iterator gsi = gsi_start_phis(bb); !gsi_end_p(gsi); gsi_next(&gsi)) {
      gphi* phi = gsi.phi();
      if (virtual_operand_p(gimple_phi_result(phi))) {
        continue; // memory SSA, no value
      }
      ++c[Feature::Phis];
      c[Feature::PhiArgs] += gimple_phi_num_args(phi);
    }
    long statements = 0;
    for (gimple_stmt_iterator gsi = gsi_start_bb(bb); !gsi_end_p(gsi); gsi_next(&gsi)) {
      gimple* g = gsi_stmt(gsi);
      if (!is_counted(g)) {
        continue;
      }
      ++statements;
      switch (gimple_code(g)) {
      case GIMPLE_COND:
        ++c[Feature::CondBranches];
        break;
      case GIMPLE_SWITCH:
        ++c[Feature::Switches];
        break;
      case GIMPLE_CALL:
        if (gimple_call_internal_p(g)) {
          break;
        }
        if (gimple_call_fndecl(g)) {
          ++c[Feature::DirectCalls];
        } else {
          ++c[Feature::IndirectCalls];
        }
        if (gimple_store_p(g)) {
          ++c[Feature::Stores]; // a call whose result goes to memory
        }
        break;
      case GIMPLE_ASSIGN:
        count_assign(g, c);
        break;
      default:
        break;
      }
    }
    c[Feature::Statements] += statements;
    ++c[llmcc::block_size_class(statements)];
  }
  if (!loops_for_fn(fun)) {
    loop_optimizer_init(AVOID_CFG_MODIFICATIONS);
  }
  for (auto loop : loops_list(fun, 0)) {
    ++c[Feature::Loops];
    c[Feature::MaxLoopDepth] = std::max<long>(c[Feature::MaxLoopDepth], loop_depth(loop));
  }
  return c;
}

const pass_data kPassData = {
    GIMPLE_PASS, "llmcc_features", OPTGROUP_NONE, TV_NONE, PROP_cfg | PROP_ssa, 0, 0, 0, 0,
};

class FeaturesPass : public gimple_opt_pass {
public:
  explicit FeaturesPass(gcc::context* ctx) : gimple_opt_pass(kPassData, ctx) {}
  unsigned int execute(function* fun) override {
    g_functions.push_back(count_function(fun));
    return 0;
  }
};

void write_json(void*, void*) {
  if (seen_error()) {
    return; // a failed compile has no features to report
  }
  FILE* f = std::fopen(g_out.c_str(), "w");
  if (!f) {
    error("llmcc features: cannot write %s", g_out.c_str());
    return;
  }
  std::fprintf(f, "{\"schema\":%d,\"extractor\":\"gcc-plugin\",\"functions\":[", llmcc::kFeatureSchemaVersion);
  for (size_t i = 0; i < g_functions.size(); ++i) {
    const FunctionCounts& c = g_functions[i];
    std::fprintf(f, "%s{\"name\":\"%s\",\"counts\":{", i ? "," : "", c.name.c_str());
    for (size_t k = 0; k < llmcc::kFeatureCount; ++k) {
      std::fprintf(f, "%s\"%.*s\":%ld", k ? "," : "", static_cast<int>(llmcc::kFeatureNames[k].size()),
                   llmcc::kFeatureNames[k].data(), c.v[k]);
    }
    std::fprintf(f, "}}");
  }
  std::fprintf(f, "]}\n");
  std::fclose(f);
}

} // namespace

int plugin_init(struct plugin_name_args* info, struct plugin_gcc_version* version) {
  // A plugin is tied to the GCC build it was compiled against.
  if (!plugin_default_version_check(version, &gcc_version)) {
    error("llmcc features: this plugin was built for GCC %s", gcc_version.basever);
    return 1;
  }
  for (int i = 0; i < info->argc; ++i) {
    if (std::string(info->argv[i].key) == "out" && info->argv[i].value) {
      g_out = info->argv[i].value;
    }
  }
  if (g_out.empty()) {
    error("llmcc features: %<-fplugin-arg-%s-out=FILE%> is required", info->base_name);
    return 1;
  }
  struct register_pass_info pass;
  pass.pass = new FeaturesPass(g); // GCC's pass manager owns its passes
  pass.reference_pass_name = "ssa";
  pass.ref_pass_instance_number = 1;
  pass.pos_op = PASS_POS_INSERT_AFTER;
  register_callback(info->base_name, PLUGIN_PASS_MANAGER_SETUP, nullptr, &pass);
  register_callback(info->base_name, PLUGIN_FINISH, write_json, nullptr);
  return 0;
}
