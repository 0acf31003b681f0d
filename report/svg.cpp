#include "report/svg.h"

#include <fmt/format.h>

#include <cmath>

namespace llmcc::report {

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    case '\'': out += "&#39;"; break;
    default:
      // Control characters (from LLM replies, say) would make the XML invalid.
      out += (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') ? ' ' : c;
    }
  }
  return out;
}

namespace {

std::string tooltip_element(std::string_view tooltip) {
  return tooltip.empty() ? std::string() : "<title>" + xml_escape(tooltip) + "</title>";
}

} // namespace

Svg::Svg(double width, double height, std::string title) : m_width(width), m_height(height), m_title(std::move(title)) {}

void Svg::line(double x1, double y1, double x2, double y2, std::string_view stroke, double width, bool dashed) {
  m_body += fmt::format(R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="{}" stroke-width="{}"{}/>)",
                        x1, y1, x2, y2, xml_escape(stroke), width, dashed ? R"( stroke-dasharray="4 3")" : "");
  m_body += '\n';
}

void Svg::polyline(const std::vector<std::pair<double, double>>& points, std::string_view stroke, double width) {
  std::string pts;
  for (const auto& [x, y] : points) {
    pts += fmt::format("{}{:.1f},{:.1f}", pts.empty() ? "" : " ", x, y);
  }
  m_body += fmt::format(R"(<polyline points="{}" fill="none" stroke="{}" stroke-width="{}"/>)", pts,
                        xml_escape(stroke), width);
  m_body += '\n';
}

void Svg::circle(double x, double y, double r, std::string_view fill, std::string_view tooltip) {
  m_body += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="{}" fill="{}">{}</circle>)", x, y, r, xml_escape(fill),
                        tooltip_element(tooltip));
  m_body += '\n';
}

void Svg::cross(double x, double y, double r, std::string_view stroke, std::string_view tooltip) {
  m_body += fmt::format(R"(<path d="M{:.1f},{:.1f}L{:.1f},{:.1f}M{:.1f},{:.1f}L{:.1f},{:.1f}" stroke="{}" )"
                        R"(stroke-width="2">{}</path>)",
                        x - r, y - r, x + r, y + r, x - r, y + r, x + r, y - r, xml_escape(stroke),
                        tooltip_element(tooltip));
  m_body += '\n';
}

void Svg::rect(double x, double y, double w, double h, std::string_view fill, std::string_view tooltip) {
  m_body += fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}">{}</rect>)", x, y,
                        std::max(w, 0.0), std::max(h, 0.0), xml_escape(fill), tooltip_element(tooltip));
  m_body += '\n';
}

void Svg::text(double x, double y, std::string_view text, std::string_view anchor, double size) {
  m_body += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" text-anchor="{}" font-size="{}">{}</text>)", x, y,
                        xml_escape(anchor), size, xml_escape(text));
  m_body += '\n';
}

std::string Svg::str() const {
  return fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
                     "role=\"img\" font-family=\"sans-serif\"><title>{2}</title>\n{3}</svg>\n",
                     m_width, m_height, xml_escape(m_title), m_body);
}

Scale::Scale(double lo, double hi, double px_lo, double px_hi)
    : m_lo(lo), m_hi(hi > lo ? hi : lo + 1), m_px_lo(px_lo), m_px_hi(px_hi) {}

double Scale::operator()(double v) const { return m_px_lo + (v - m_lo) / (m_hi - m_lo) * (m_px_hi - m_px_lo); }

std::vector<double> Scale::ticks(int n) const {
  double raw = (m_hi - m_lo) / std::max(n, 1);
  double magnitude = std::pow(10, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * magnitude >= raw) {
      step = m * magnitude;
      break;
    }
  }
  std::vector<double> out;
  for (double v = std::ceil(m_lo / step) * step; v <= m_hi + step * 1e-9; v += step) {
    out.push_back(std::abs(v) < step * 1e-9 ? 0 : v);
  }
  return out;
}

} // namespace llmcc::report
