// Folds inference batch normalisation into the preceding convolution:
// w' = w * s, b' = (b - mean) * s + beta with s = gamma / sqrt(var + eps),
// per output channel. Pipeline name: "fold-batch-norm". Requires: f32
// weights with data for the numbers (shape-only weights fold shape-only).
// Preserves: nothing when changed.
//
//   before:  %c = nn.conv(%x, %w) ...  %y = nn.batch_norm(%c, %g, %b, %m, %v)
//   after:   %y = nn.conv(%x, %w.bnfold, %b.bnfold)
#ifndef IMCC_PASSES_GRAPH_FOLD_BATCH_NORM_H_
#define IMCC_PASSES_GRAPH_FOLD_BATCH_NORM_H_

#include <memory>

#include "passes/manager/pass.h"

namespace imcc::passes {

std::unique_ptr<Pass> CreateFoldBatchNormPass();

}  // namespace imcc::passes

#endif  // IMCC_PASSES_GRAPH_FOLD_BATCH_NORM_H_
