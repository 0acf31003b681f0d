// Image filters: the hot part of the library. Integer arithmetic only, so the
// results are bit-identical under any optimisation flags.
#pragma once

#include "imgproc/image.h"

namespace imgproc {

// Separable box blur with the given radius (edges clamp).
Image box_blur(const Image& in, int radius);
// Sobel gradient magnitude (|gx| + |gy|, saturated to 255).
Image sobel(const Image& in);
// 3x3 unsharp mask: 5*center - 4-neighbours, clamped to [0, 255].
Image sharpen(const Image& in);
// 256-bin histogram.
std::vector<std::uint32_t> histogram(const Image& in);

} // namespace imgproc
