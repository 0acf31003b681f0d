// A small SVG writer: the shapes the report's plots need, written as text that
// goes inline into one HTML file (no scripts, no fonts, no external images).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace llmcc::report {

// Text safe inside an XML/HTML element or a quoted attribute.
std::string xml_escape(std::string_view text);

class Svg {
public:
  Svg(double width, double height, std::string title);
  void line(double x1, double y1, double x2, double y2, std::string_view stroke, double width = 1,
            bool dashed = false);
  void polyline(const std::vector<std::pair<double, double>>& points, std::string_view stroke, double width = 1.5);
  // A mark with a tooltip (<title>), e.g. one trial.
  void circle(double x, double y, double r, std::string_view fill, std::string_view tooltip = {});
  void cross(double x, double y, double r, std::string_view stroke, std::string_view tooltip = {});
  void rect(double x, double y, double w, double h, std::string_view fill, std::string_view tooltip = {});
  // `anchor`: start, middle or end.
  void text(double x, double y, std::string_view text, std::string_view anchor = "start", double size = 11);
  std::string str() const;

private:
  double m_width, m_height;
  std::string m_title;
  std::string m_body;
};

// Maps a data range onto pixels (y grows downwards on screen).
class Scale {
public:
  Scale(double lo, double hi, double px_lo, double px_hi);
  double operator()(double v) const;
  // About `n` round values across the range, for grid lines and labels.
  std::vector<double> ticks(int n) const;

private:
  double m_lo, m_hi, m_px_lo, m_px_hi;
};

} // namespace llmcc::report
