// llmcc-llvm-features: the LLVM analyser. Reads the bitcode of one TU
// (`clang -O1 -Xclang -disable-llvm-passes -emit-llvm -c`), runs SROA so locals
// are in SSA as in GIMPLE after `ssa`, and prints the features of
// features/feature_kinds.h per function as JSON, the same document the GCC
// plugin writes. With --pipeline P it prints instead the IR instruction count
// after the new-PM pipeline P, so pipelines can be scored without linking.
//
// A separate program so libLLVM (and LLVM's -fno-exceptions world) stays out of
// both `llmcc` and `llmcc-tool`; llmcc-tool runs it.
#include "features/feature_kinds.h"

#include <llvm/ADT/SmallPtrSet.h>
#include <llvm/Analysis/LoopInfo.h>
#include <llvm/IR/CFG.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/IntrinsicInst.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IRReader/IRReader.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Transforms/Scalar/SROA.h>

#include <array>
#include <cstdio>
#include <string>
#include <vector>

using llmcc::Feature;

namespace {

struct Counts {
  std::array<long, llmcc::kFeatureCount> v{};
  long& operator[](Feature f) { return v[llmcc::index_of(f)]; }
};

// Instructions with no GIMPLE statement of their own (address arithmetic,
// conversions, stack slots, unconditional jumps, markers) are left out so the
// statement count means what the plugin's does.
bool is_statement(const llvm::Instruction& i) {
  if (llvm::isa<llvm::PHINode>(i) || llvm::isa<llvm::GetElementPtrInst>(i) || llvm::isa<llvm::CastInst>(i) ||
      llvm::isa<llvm::AllocaInst>(i) || llvm::isa<llvm::UnreachableInst>(i)) {
    return false;
  }
  if (const auto* br = llvm::dyn_cast<llvm::BranchInst>(&i)) {
    return br->isConditional();
  }
  if (const auto* ii = llvm::dyn_cast<llvm::IntrinsicInst>(&i)) {
    return !(ii->isAssumeLikeIntrinsic() || llvm::isa<llvm::DbgInfoIntrinsic>(ii));
  }
  return true;
}

bool has_constant_operand(const llvm::Instruction& i) {
  for (const llvm::Use& op : i.operands()) {
    if (llvm::isa<llvm::ConstantData>(op.get())) {
      return true;
    }
  }
  return false;
}

Counts count_function(llvm::Function& f, const llvm::LoopInfo& loops) {
  Counts c;
  c[Feature::Functions] = 1;
  for (llvm::BasicBlock& bb : f) {
    ++c[Feature::BasicBlocks];
    // Unique successors and predecessors: GCC has one edge per pair of blocks.
    llvm::SmallPtrSet<const llvm::BasicBlock*, 8> succs(llvm::succ_begin(&bb), llvm::succ_end(&bb));
    llvm::SmallPtrSet<const llvm::BasicBlock*, 8> preds(llvm::pred_begin(&bb), llvm::pred_end(&bb));
    long ns = static_cast<long>(succs.size()), np = static_cast<long>(preds.size());
    c[Feature::Edges] += ns;
    c[ns == 1 ? Feature::BlocksOneSucc : ns == 2 ? Feature::BlocksTwoSucc : Feature::BlocksManySucc] += ns > 0;
    c[np == 1 ? Feature::BlocksOnePred : np == 2 ? Feature::BlocksTwoPred : Feature::BlocksManyPred] += np > 0;
    if (ns > 1) {
      for (const llvm::BasicBlock* s : succs) {
        llvm::SmallPtrSet<const llvm::BasicBlock*, 8> sp(llvm::pred_begin(s), llvm::pred_end(s));
        c[Feature::CriticalEdges] += sp.size() > 1;
      }
    }
    long statements = 0;
    for (llvm::Instruction& i : bb) {
      if (auto* phi = llvm::dyn_cast<llvm::PHINode>(&i)) {
        ++c[Feature::Phis];
        c[Feature::PhiArgs] += phi->getNumIncomingValues();
        continue;
      }
      if (!is_statement(i)) {
        continue;
      }
      ++statements;
      if (llvm::isa<llvm::LoadInst>(i)) {
        ++c[Feature::Loads];
      } else if (llvm::isa<llvm::StoreInst>(i)) {
        ++c[Feature::Stores];
      } else if (llvm::isa<llvm::BranchInst>(i)) {
        ++c[Feature::CondBranches];
      } else if (llvm::isa<llvm::SwitchInst>(i)) {
        ++c[Feature::Switches];
      } else if (auto* call = llvm::dyn_cast<llvm::CallBase>(&i)) {
        if (llvm::isa<llvm::IntrinsicInst>(call) || call->isInlineAsm()) {
          continue;
        }
        ++c[call->getCalledFunction() ? Feature::DirectCalls : Feature::IndirectCalls];
      } else if (llvm::isa<llvm::BinaryOperator>(i) || llvm::isa<llvm::UnaryOperator>(i)) {
        llvm::Type* t = i.getType()->getScalarType();
        if (t->isFloatingPointTy()) {
          ++c[Feature::FpOps];
        } else if (t->isIntegerTy()) {
          ++c[Feature::IntOps];
        } else {
          continue;
        }
        c[Feature::ConstOperandOps] += has_constant_operand(i);
      }
    }
    c[Feature::Statements] += statements;
    ++c[llmcc::block_size_class(statements)];
  }
  for (const llvm::Loop* l : loops.getLoopsInPreorder()) {
    ++c[Feature::Loops];
    c[Feature::MaxLoopDepth] = std::max<long>(c[Feature::MaxLoopDepth], l->getLoopDepth());
  }
  return c;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') {
      out += '\\';
    }
    if (static_cast<unsigned char>(ch) >= 0x20) {
      out += ch;
    }
  }
  return out + "\"";
}

int usage() {
  std::fprintf(stderr, "usage: llmcc-llvm-features FILE.bc [--pipeline PIPELINE]\n");
  return 2;
}

} // namespace

int main(int argc, char** argv) {
  std::string input, pipeline;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--pipeline" && i + 1 < argc) {
      pipeline = argv[++i];
    } else if (!a.empty() && a[0] != '-' && input.empty()) {
      input = a;
    } else {
      return usage();
    }
  }
  if (input.empty()) {
    return usage();
  }
  llvm::LLVMContext context;
  llvm::SMDiagnostic diag;
  std::unique_ptr<llvm::Module> module = llvm::parseIRFile(input, diag, context);
  if (!module) {
    diag.print("llmcc-llvm-features", llvm::errs());
    return 1;
  }

  llvm::PassBuilder pb;
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);

  if (!pipeline.empty()) {
    llvm::ModulePassManager mpm;
    if (llvm::Error e = pb.parsePassPipeline(mpm, pipeline)) {
      llvm::errs() << "llmcc-llvm-features: bad pipeline: " << llvm::toString(std::move(e)) << "\n";
      return 1;
    }
    mpm.run(*module, mam);
    std::printf("{\"pipeline\":%s,\"instructions\":%u}\n", json_string(pipeline).c_str(),
                module->getInstructionCount());
    return 0;
  }

  std::printf("{\"schema\":%d,\"extractor\":\"llvm\",\"functions\":[", llmcc::kFeatureSchemaVersion);
  bool first = true;
  for (llvm::Function& f : *module) {
    if (f.isDeclaration()) {
      continue;
    }
    llvm::FunctionPassManager fpm;
    fpm.addPass(llvm::SROAPass());
    fpm.run(f, fam);
    Counts c = count_function(f, fam.getResult<llvm::LoopAnalysis>(f));
    std::printf("%s{\"name\":%s,\"counts\":{", first ? "" : ",", json_string(f.getName().str()).c_str());
    for (size_t k = 0; k < llmcc::kFeatureCount; ++k) {
      std::printf("%s\"%.*s\":%ld", k ? "," : "", static_cast<int>(llmcc::kFeatureNames[k].size()),
                  llmcc::kFeatureNames[k].data(), c.v[k]);
    }
    std::printf("}}");
    first = false;
  }
  std::printf("]}\n");
  return 0;
}
