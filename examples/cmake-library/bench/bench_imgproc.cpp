// Google Benchmark suite. Most of the time goes into src/filters.cpp (the hot TU);
// checksum.cpp and matrix.cpp get one benchmark each so tuning has contrast.
#include <benchmark/benchmark.h>

#include "imgproc/checksum.h"
#include "imgproc/filters.h"
#include "imgproc/matrix.h"

namespace {

const imgproc::Image& input() {
  static const imgproc::Image img = imgproc::make_test_image(256, 256, 1);
  return img;
}

void BM_BoxBlur(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(imgproc::box_blur(input(), static_cast<int>(state.range(0))));
  }
}
BENCHMARK(BM_BoxBlur)->Arg(1)->Arg(3);

void BM_Sobel(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(imgproc::sobel(input()));
  }
}
BENCHMARK(BM_Sobel);

void BM_Sharpen(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(imgproc::sharpen(input()));
  }
}
BENCHMARK(BM_Sharpen);

void BM_Crc32(benchmark::State& state) {
  const auto& px = input().pixels;
  for (auto _ : state) {
    benchmark::DoNotOptimize(imgproc::crc32(px.data(), px.size()));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(px.size()));
}
BENCHMARK(BM_Crc32);

void BM_MatMul(benchmark::State& state) {
  const auto a = imgproc::make_test_matrix(64, 64, 3);
  const auto b = imgproc::make_test_matrix(64, 64, 4);
  for (auto _ : state) {
    benchmark::DoNotOptimize(imgproc::multiply(a, b));
  }
}
BENCHMARK(BM_MatMul);

} // namespace

BENCHMARK_MAIN();
