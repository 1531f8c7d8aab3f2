// PNG and SVG through gnuplot (Debian gnuplot-nox: cairo terminals, no X). One script per
// figure with the data inline (datablocks), both formats from one gnuplot process; up to `jobs`
// processes at once. docs/plots.md says why gnuplot.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "aiperf/report/report.h"

extern char** environ;

namespace aiperf::report {

namespace fs = std::filesystem;

namespace {

constexpr int kGnuplotTimeoutS = 120;

/// A gnuplot single-quoted string ('' is a literal quote).
std::string q(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "''";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out + "'";
}

/// A datablock string column ("..." with no embedded double quote).
std::string dq(const std::string& s) {
  std::string out = "\"";
  for (char c : s) out += (c == '"' || c == '\n') ? '\'' : c;
  return out + "\"";
}

std::string num(double v) {
  if (!std::isfinite(v)) return "NaN";
  return fmt::format("{:.7g}", v);
}

/// "#AARRGGBB" with gnuplot's alpha (00 opaque .. FF transparent).
std::string rgba(const char* hex, double opacity) {
  int a = std::clamp(int(std::lround((1.0 - opacity) * 255)), 0, 255);
  return fmt::format("#{:02x}{}", a, hex + 1);
}

void datablock(std::ostringstream& o, const std::string& name, const Series& s) {
  o << "$" << name << " << EOD\n";
  const bool xerr = !s.x_lo.empty(), yerr = !s.y_lo.empty();
  for (size_t i = 0; i < s.x.size(); ++i) {
    if (s.kind == SeriesKind::kBand) {
      o << num(s.x[i]) << ' ' << num(s.y_lo[i]) << ' ' << num(s.y_hi[i]) << '\n';
      continue;
    }
    double y = i < s.y.size() ? s.y[i] : NAN;
    if (s.kind == SeriesKind::kPoints && (!std::isfinite(s.x[i]) || !std::isfinite(y))) continue;
    o << num(s.x[i]) << ' ' << num(y);
    if (s.kind == SeriesKind::kSegments) o << ' ' << num(s.x_end[i]);
    if (xerr) o << ' ' << num(s.x_lo[i]) << ' ' << num(s.x_hi[i]);
    if (yerr) o << ' ' << num(s.y_lo[i]) << ' ' << num(s.y_hi[i]);
    if (!s.labels.empty()) o << ' ' << dq(s.labels[i].empty() ? " " : s.labels[i]);
    o << '\n';
  }
  o << "EOD\n";
}

/// The plot clauses of one series (several when it has error bars or labels).
std::vector<std::string> clauses(const Series& s, const std::string& d, const ImageOptions& opt) {
  const std::string color = rgba(opt.theme.color(s.color), s.opacity);
  const std::string lc = " lc rgb " + q(color);
  const std::string title = s.name.empty() ? " notitle" : " title " + q(s.name);
  const std::string axes = s.y2 ? " axes x1y2" : "";
  const std::string lw = " lw " + num(2 * s.size);
  const bool xerr = !s.x_lo.empty(), yerr = !s.y_lo.empty();
  const int ylo = xerr ? 5 : 3;  // column of y_lo
  std::vector<std::string> out;
  switch (s.kind) {
    case SeriesKind::kPoints: {
      if (xerr && yerr) {
        out.push_back(fmt::format("${} using 1:2:(($4-$3)):(($6-$5)) with ellipses{} notitle", d,
                                  " lc rgb " + q(rgba(opt.theme.color(s.color), 0.25)) +
                                      " fs transparent solid 0.25 noborder"));
        out.push_back(fmt::format("${} using 1:2:3:4:5:6 with xyerrorbars pt 7 ps {}{}{}{}", d,
                                  num(0.9 * s.size), lc, title, axes));
      } else if (yerr) {
        out.push_back(fmt::format("${} using 1:2:3:4 with yerrorbars pt 7 ps {}{}{}{}", d,
                                  num(0.9 * s.size), lc, title, axes));
      } else {
        out.push_back(fmt::format("${} using 1:2 with points pt 7 ps {}{}{}{}", d,
                                  num(0.5 * s.size), lc, title, axes));
      }
      break;
    }
    case SeriesKind::kLines:
      out.push_back(fmt::format("${} using 1:2 with lines{}{}{}{}", d, lw, lc, title, axes));
      break;
    case SeriesKind::kSteps:
      out.push_back(fmt::format("${} using 1:2 with steps{}{}{}{}", d, lw, lc, title, axes));
      break;
    case SeriesKind::kArea:
      out.push_back(fmt::format(
          "${} using 1:2 with fillsteps fs transparent solid {} noborder{} "
          "notitle{}",
          d, num(std::min(s.opacity, 0.6)), " lc rgb " + q(opt.theme.color(s.color)), axes));
      out.push_back(fmt::format("${} using 1:2 with steps lw 1.5 lc rgb {}{}{}", d,
                                q(opt.theme.color(s.color)), title, axes));
      break;
    case SeriesKind::kBars:
      out.push_back(fmt::format("${} using 1:2:({}) with boxes fs solid 0.75 noborder{}{}{}", d,
                                num(s.bar_width), lc, title, axes));
      if (yerr) {
        out.push_back(fmt::format("${} using 1:2:{}:{} with yerrorbars pt -1 lc rgb {} notitle{}",
                                  d, ylo, ylo + 1, q(opt.theme.text()), axes));
      }
      break;
    case SeriesKind::kSegments:
      out.push_back(fmt::format("${} using 1:2:($3-$1):(0) with vectors nohead lw 2{}{}{}", d, lc,
                                title, axes));
      break;
    case SeriesKind::kBand:
      out.push_back(
          fmt::format("${} using 1:2:3 with filledcurves fs transparent solid {} "
                      "noborder lc rgb {}{}{}",
                      d, num(s.opacity), q(opt.theme.color(s.color)), title, axes));
      break;
  }
  if (!s.labels.empty() && s.kind == SeriesKind::kPoints) {
    const int col = 3 + (xerr ? 2 : 0) + (yerr ? 2 : 0);
    out.push_back(
        fmt::format("${} using 1:2:{} with labels offset 0,1 font ',9' tc rgb {} "
                    "notitle{}",
                    d, col, q(opt.theme.text()), axes));
  }
  return out;
}

bool all_nonnegative(const Figure& f, bool xaxis) {
  for (const auto& s : f.series) {
    const auto& v = xaxis ? s.x : (s.kind == SeriesKind::kBand ? s.y_lo : s.y);
    for (double x : v) {
      if (std::isfinite(x) && x < 0) return false;
    }
  }
  return true;
}

void settings(std::ostringstream& o, const Figure& f, const ImageOptions& opt) {
  const Theme& t = opt.theme;
  o << "set title " << q(f.title) << " tc rgb " << q(t.text()) << " font ',15'\n";
  o << "set xlabel " << q(f.x_label) << " tc rgb " << q(t.text()) << "\n";
  o << "set ylabel " << q(f.y_label) << " tc rgb " << q(t.text()) << "\n";
  o << "set border 3 lc rgb " << q(t.border()) << "\n";
  o << "set tics nomirror tc rgb " << q(t.text()) << "\n";
  o << "set grid lc rgb " << q(t.grid()) << " lt 1 lw 1\n";
  o << "set key outside right top tc rgb " << q(t.text()) << " noopaque\n";
  o << "set xrange [" << (f.x_from_zero && all_nonnegative(f, true) ? "0" : "*") << ":*]\n";
  o << "set yrange [" << (f.y_from_zero && all_nonnegative(f, false) ? "0" : "*") << ":*]\n";
  if (f.x_log) o << "set logscale x\n";
  if (f.has_y2()) {
    o << "set y2label " << q(f.y2_label) << " tc rgb " << q(t.text()) << "\n";
    o << "set y2tics tc rgb " << q(t.text()) << "\nset y2range [0:*]\nset border 11\n";
  }
  for (const auto& h : f.hlines) {
    o << "set arrow from graph 0, first " << num(h.y) << " to graph 1, first " << num(h.y)
      << " nohead dt 2 lw 1.5 lc rgb " << q(t.color(h.color)) << " front\n";
    o << "set label " << q(h.label) << " at graph 0.01, first " << num(h.y)
      << " offset 0,0.7 tc rgb " << q(t.color(h.color)) << " front\n";
  }
  if (!f.note.empty()) {
    o << "set label " << q(f.note) << " at screen 0.01, screen 0.02 font ',9' tc rgb "
      << q(t.text()) << "\n";
  }
}

int run_gnuplot(const std::string& script_path, const std::string& err_path, pid_t* pid) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const char* argv[] = {"gnuplot", "-d", script_path.c_str(), nullptr};
  int rc = posix_spawnp(pid, "gnuplot", &fa, nullptr, const_cast<char**>(argv), environ);
  posix_spawn_file_actions_destroy(&fa);
  return rc;
}

std::string first_line_of(const std::string& path) {
  std::ifstream f(path);
  std::string line, last;
  while (std::getline(f, line)) {
    if (line.find_first_not_of(" ^\t") != std::string::npos) last = line;
  }
  return last;
}

}  // namespace

std::string gnuplot_script(const Figure& f, const ImageOptions& opt, const std::string& png_path,
                           const std::string& svg_path) {
  std::ostringstream o;
  o << "set encoding utf8\nset termoption noenhanced\n";
  std::vector<std::string> parts;
  for (size_t i = 0; i < f.series.size(); ++i) {
    std::string d = fmt::format("d{}", i);
    datablock(o, d, f.series[i]);
    for (auto& c : clauses(f.series[i], d, opt)) parts.push_back(std::move(c));
  }
  settings(o, f, opt);
  std::string plot = "plot ";
  for (size_t i = 0; i < parts.size(); ++i) plot += (i ? ", \\\n     " : "") + parts[i];
  const std::string bg = q(opt.theme.background());
  if (!png_path.empty()) {
    o << fmt::format(
        "set terminal pngcairo size {},{} font 'DejaVu Sans,11' background rgb {} "
        "noenhanced\nset output {}\n{}\nset output\n",
        opt.width, opt.height, bg, q(png_path), plot);
  }
  if (!svg_path.empty()) {
    o << fmt::format(
        "set terminal svg size {},{} dynamic font 'DejaVu Sans,11' background rgb {} "
        "noenhanced\nset output {}\n{}\nset output\n",
        opt.width, opt.height, bg, q(svg_path), plot);
  }
  return o.str();
}

namespace {

/// One figure's gnuplot process: its script, outputs and state.
struct Job {
  std::string png, svg, script, err;
  pid_t pid = 0;  // 0 = not started, -1 = finished
  std::chrono::steady_clock::time_point started;
};

/// Reaps `j` if it ended (or kills it past the timeout); true when it is done. A success adds
/// its files to `written`, a failure a line to `errors`.
bool reap(Job& j, std::vector<std::string>& written, std::vector<std::string>& errors) {
  int status = 0;
  pid_t r = ::waitpid(j.pid, &status, WNOHANG);
  const bool late =
      std::chrono::steady_clock::now() - j.started > std::chrono::seconds(kGnuplotTimeoutS);
  if (r == 0 && !late) return false;
  if (r == 0) {
    ::kill(j.pid, SIGKILL);
    ::waitpid(j.pid, &status, 0);
  }
  j.pid = -1;
  if (r > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    for (const auto& p : {j.png, j.svg}) {
      if (!p.empty()) written.push_back(p);
    }
  } else {
    errors.push_back(fs::path(j.png.empty() ? j.svg : j.png).filename().string() + ": " +
                     (r == 0 ? "gnuplot timed out" : first_line_of(j.err)));
  }
  std::error_code ec;
  fs::remove(j.script, ec);
  fs::remove(j.err, ec);
  return true;
}

}  // namespace

std::vector<std::string> render_images(const std::vector<Figure>& figures,
                                       const std::string& out_dir, const ImageOptions& opts) {
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) throw std::runtime_error("cannot create " + out_dir + ": " + ec.message());
  std::vector<Job> jobs;
  for (const auto& fig : figures) {
    Figure f = fig;
    thin_figure(f, opts.max_points);
    Job j;
    fs::path base = fs::path(out_dir) / f.name;
    if (opts.png) j.png = base.string() + ".png";
    if (opts.svg) j.svg = base.string() + ".svg";
    j.script = (fs::path(out_dir) / ("." + f.name + ".gp")).string();
    j.err = j.script + ".err";
    std::ofstream(j.script, std::ios::binary) << gnuplot_script(f, opts, j.png, j.svg);
    jobs.push_back(std::move(j));
  }
  const size_t width =
      opts.jobs > 0 ? size_t(opts.jobs) : std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::string> written, errors;
  size_t next = 0, running = 0;
  bool missing = false;
  while ((next < jobs.size() && !missing) || running > 0) {
    while (running < width && next < jobs.size() && !missing) {
      Job& j = jobs[next++];
      missing = run_gnuplot(j.script, j.err, &j.pid) != 0;
      if (missing) break;
      j.started = std::chrono::steady_clock::now();
      ++running;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    for (auto& j : jobs) {
      if (j.pid > 0 && reap(j, written, errors)) --running;
    }
  }
  for (auto& j : jobs) {  // scripts never run (gnuplot missing)
    if (j.pid == 0) {
      fs::remove(j.script, ec);
      fs::remove(j.err, ec);
    }
  }
  if (missing) {
    throw std::runtime_error(
        "gnuplot not found on PATH: install the gnuplot-nox package (scripts/install-deps.sh)");
  }
  if (!errors.empty()) throw std::runtime_error("gnuplot failed on " + errors.front());
  return written;
}

}  // namespace aiperf::report
