// Scale-out (docs/scale-out.md): `mpirun -np 3 aiperf profile ...` against the mock server on
// 127.0.0.1, compared with one process given the same seed, and checked against the mock's
// ground truth (--record-requests). Skipped when mpirun is not installed.
//
// Tolerances: the schedule is deterministic (every rank draws the one arrival sequence from the
// seed and starts at a common instant; on one host the clocks are one), so the scheduled send
// times of N ranks equal one process's up to the ~0.1 us pairing of each record's wall and
// monotonic stamps; 1 ms is the bound. Server arrivals add each run's own delay (send
// lateness plus loopback delivery), which the ground truth measures per request: see
// ArrivalOffsetsMatchOneProcess.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "json_util.h"
#include "test_util.h"

namespace aiperf::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

bool have_mpirun() {
  std::string p = MPIRUN_BIN;
  return !p.empty() && p.find("NOTFOUND") == std::string::npos && access(p.c_str(), X_OK) == 0;
}

#define REQUIRE_MPIRUN()                                                                       \
  if (!have_mpirun())                                                                          \
  GTEST_SKIP() << "mpirun not found: scripts/install-deps.sh installs Open MPI (openmpi-bin, " \
                  "libopenmpi-dev)"

struct MpiRun {
  CommandResult result;
  std::string dir;
  json summary() const { return json::parse(read_file(dir + "/profile_export_aiperf.json")); }
  std::vector<json> records() const { return read_jsonl(dir + "/profile_export.jsonl"); }
  std::vector<json> raw() const { return read_jsonl(dir + "/profile_export_raw.jsonl"); }
};

std::vector<std::string> profile_argv(const std::string& dir, const std::vector<std::string>& a) {
  std::vector<std::string> v = {AIPERF_BIN, "profile", "--ui", "none", "--artifact-dir", dir};
  v.insert(v.end(), a.begin(), a.end());
  return v;
}

MpiRun single(const std::vector<std::string>& args) {
  MpiRun r;
  r.dir = make_temp_dir("aiperf-single");
  r.result = run_command(profile_argv(r.dir, args), 120);
  return r;
}

std::vector<std::string> mpirun_prefix(int np, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> v = {MPIRUN_BIN, "--allow-run-as-root", "--oversubscribe"};
#ifdef __SANITIZE_ADDRESS__
  // Open MPI's components keep start-up allocations and are unloaded by MPI_Finalize: their
  // "leaks" have no module left to suppress them by (tests/sanitizers/lsan.supp), so the ranks
  // run without leak checking; the single-process tests check aiperf's own code for leaks.
  v.insert(v.end(), {"-x", "ASAN_OPTIONS=detect_leaks=0"});
#endif
#ifdef __SANITIZE_THREAD__
  // Open MPI's own lock order and progress threads (tests/sanitizers/tsan.supp).
  v.insert(v.end(), {"-x", std::string("TSAN_OPTIONS=suppressions=") + AIPERF_TEST_DATA_DIR +
                               "/../sanitizers/tsan.supp:halt_on_error=1:second_deadlock_stack=1"});
#endif
  v.insert(v.end(), extra.begin(), extra.end());
  v.insert(v.end(), {"-np", std::to_string(np)});
  return v;
}

MpiRun ranks(int np, const std::vector<std::string>& args,
             const std::vector<std::string>& extra = {}, int timeout_s = 180) {
  MpiRun r;
  r.dir = make_temp_dir("aiperf-mpi");
  std::vector<std::string> v = mpirun_prefix(np, extra);
  for (auto& a : profile_argv(r.dir, args)) v.push_back(a);
  r.result = run_command(v, timeout_s);
  return r;
}

double metric(const json& rec, const char* tag) {
  return rec["metrics"][tag]["value"].get<double>();
}

int count_lines(const std::string& s, const std::string& needle) {
  int n = 0;
  for (size_t p = s.find(needle); p != std::string::npos; p = s.find(needle, p + 1)) ++n;
  return n;
}

/// numpy.percentile(..., q) with the default linear method.
double percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  double pos = (double(v.size()) - 1) * q / 100.0;
  size_t lo = size_t(std::floor(pos));
  size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - double(lo));
}

/// Most requests the server handled at once: intervals [arrival, completion] of its log.
int max_overlap(const std::vector<json>& truth) {
  std::vector<std::pair<int64_t, int>> ev;
  for (const json& g : truth) {
    ev.emplace_back(g["arrival_mono_ns"].get<int64_t>(), +1);
    ev.emplace_back(g["completion_mono_ns"].get<int64_t>(), -1);
  }
  std::sort(ev.begin(), ev.end());  // at a tie the end (-1) comes first
  int cur = 0, most = 0;
  for (auto& e : ev) most = std::max(most, cur += e.second);
  return most;
}

const std::vector<std::string> kClosedLoop = {"--model",
                                              "m",
                                              "--endpoint-type",
                                              "chat",
                                              "--streaming",
                                              "--tokenizer",
                                              "builtin",
                                              "--osl",
                                              "16",
                                              "--isl",
                                              "32",
                                              "--random-seed",
                                              "7",
                                              "--concurrency",
                                              "6",
                                              "--request-count",
                                              "90",
                                              "--export-level",
                                              "raw"};

TEST(ScaleOut, ThreeRanksSendWhatOneProcessSends) {
  REQUIRE_MPIRUN();
  std::string gdir = make_temp_dir("gt");
  MockServerProcess mock({"--ttft", "5", "--itl", "1", "--record-requests", gdir + "/gt.jsonl"});
  std::vector<std::string> args = kClosedLoop;
  args.insert(args.end(), {"--url", mock.url()});
  MpiRun one = single(args);
  ASSERT_EQ(one.result.exit_code, 0) << one.result.err;
  size_t seen_single = read_jsonl(gdir + "/gt.jsonl").size();
  MpiRun mpi = ranks(3, args);
  ASSERT_EQ(mpi.result.exit_code, 0) << mpi.result.out << mpi.result.err;
  mock.stop();
  std::vector<json> truth = read_jsonl(gdir + "/gt.jsonl");
  std::vector<json> mpi_truth(truth.begin() + long(seen_single), truth.end());
  EXPECT_EQ(seen_single, 90u);
  EXPECT_EQ(mpi_truth.size(), 90u);  // the global --request-count, not 90 per rank

  // The same requests: payloads, ISL and OSL sums, credit numbers.
  std::multiset<std::string> p1, p3;
  for (const json& r : one.raw()) p1.insert(r["payload"].dump());
  for (const json& r : mpi.raw()) p3.insert(r["payload"].dump());
  EXPECT_EQ(p1.size(), 90u);
  EXPECT_EQ(p1, p3);
  auto sums = [](const std::vector<json>& recs) {
    double isl = 0, osl = 0;
    std::set<int64_t> sessions;
    for (const json& r : recs) {
      isl += metric(r, "input_sequence_length");
      osl += metric(r, "output_sequence_length");
      sessions.insert(r["metadata"]["session_num"].get<int64_t>());
    }
    return std::make_tuple(isl, osl, sessions);
  };
  auto [isl1, osl1, s1] = sums(one.records());
  auto [isl3, osl3, s3] = sums(mpi.records());
  EXPECT_EQ(isl1, isl3);
  EXPECT_EQ(osl1, osl3);
  EXPECT_EQ(s1, s3);
  EXPECT_EQ(*s3.begin(), 0);
  EXPECT_EQ(*s3.rbegin(), 89);
  int64_t server_isl = 0;
  for (const json& g : mpi_truth) server_isl += g["isl"].get<int64_t>();
  EXPECT_EQ(double(server_isl), isl3);

  // The global concurrency cap (6 session slots, 2 per rank) held at the server.
  EXPECT_LE(max_overlap(mpi_truth), 6);

  // Every statistic over all records: percentiles equal those recomputed from the JSONL.
  json s = mpi.summary();
  EXPECT_EQ(s["request_count"]["avg"].get<double>(), 90.0);
  for (const char* tag : {"request_latency", "time_to_first_token", "inter_token_latency"}) {
    std::vector<double> v;
    for (const json& r : mpi.records()) v.push_back(metric(r, tag));
    for (auto [key, q] : {std::pair{"p50", 50.0}, {"p90", 90.0}, {"p99", 99.0}}) {
      double want = percentile(v, q), got = s[tag][key].get<double>();
      EXPECT_NEAR(got, want, 1e-9 * std::max(1.0, std::fabs(want))) << tag << " " << key;
    }
    EXPECT_EQ(s[tag]["max"].get<double>(), *std::max_element(v.begin(), v.end())) << tag;
  }

  // The per-rank section: three ranks of 30 requests, clocks measured.
  const json& so = s["scale_out"];
  ASSERT_EQ(so["ranks"].get<int>(), 3);
  for (int r = 0; r < 3; ++r) {
    const json& pr = so["per_rank"][r];
    EXPECT_EQ(pr["rank"].get<int>(), r);
    EXPECT_EQ(pr["state"], "ok");
    EXPECT_EQ(pr["requests"].get<int>(), 30);
    EXPECT_EQ(pr["errors"].get<int>(), 0);
    EXPECT_TRUE(pr["send_lateness_ms"].is_object());
    if (r > 0) {
      // One host, one clock: the measured offset is within half the round trip.
      EXPECT_LE(std::fabs(pr["clock_offset_ms"].get<double>()),
                pr["clock_rtt_ms"].get<double>() / 2 + 1e-6);
    }
  }
  // Worker ids stay distinct across ranks in the JSONL.
  std::set<std::string> workers;
  for (const json& r : mpi.records()) workers.insert(r["metadata"]["worker_id"].get<std::string>());
  EXPECT_GE(workers.size(), 3u);
  // One set of exports, printed once.
  EXPECT_EQ(count_lines(mpi.result.out, "aiperf (C++) | LLM Metrics"), 1);
  EXPECT_NE(mpi.result.out.find("Scale-out: 3 ranks"), std::string::npos);
}

// Trace replay: N ranks send each trace entry at the offset one process sends it. (Request-rate
// mode deals the arrival sequence the same way, but its scheduler never catches up after
// falling behind (spec §11.8), so on a loaded machine even two single-process runs drift
// apart by the resets; the rate test below checks the dealing itself.)
TEST(ScaleOut, ArrivalOffsetsMatchOneProcess) {
  REQUIRE_MPIRUN();
  std::string gdir = make_temp_dir("gt");
  const std::string trace = gdir + "/trace.jsonl";
  {
    std::ofstream f(trace);
    int64_t t = 1000;
    for (int i = 0; i < 150; ++i) {
      t += 2 + (i * 37) % 13;  // irregular gaps of 2..14 ms
      f << "{\"timestamp\": " << t << ", \"input_length\": 16, \"output_length\": 4}\n";
    }
  }
  MockServerProcess mock({"--ttft", "2", "--itl", "1", "--record-requests", gdir + "/gt.jsonl"});
  std::vector<std::string> args = {"--model",
                                   "m",
                                   "--url",
                                   mock.url(),
                                   "--endpoint-type",
                                   "chat",
                                   "--streaming",
                                   "--tokenizer",
                                   "builtin",
                                   "--random-seed",
                                   "11",
                                   "--input-file",
                                   trace,
                                   "--custom-dataset-type",
                                   "mooncake_trace",
                                   "--fixed-schedule"};
  MpiRun one = single(args);
  ASSERT_EQ(one.result.exit_code, 0) << one.result.err;
  size_t seen_single = read_jsonl(gdir + "/gt.jsonl").size();
  MpiRun mpi = ranks(3, args);
  ASSERT_EQ(mpi.result.exit_code, 0) << mpi.result.out << mpi.result.err;
  mock.stop();
  std::vector<json> truth = read_jsonl(gdir + "/gt.jsonl");
  ASSERT_EQ(truth.size(), seen_single + 150);
  std::map<std::string, int64_t> arrival;  // x-request-id -> server arrival (epoch ns)
  for (const json& g : truth) arrival[g["headers"]["x-request-id"]] = g["arrival_wall_ns"];

  // Per credit number (= trace entry): the scheduled send time (start - lateness: the entry's
  // own offset from the phase start) and the server's arrival.
  struct Sent {
    double sched = 0, arrive = 0;
  };
  auto sent = [&](const MpiRun& r) {
    std::map<int64_t, Sent> m;
    for (const json& rec : r.records()) {
      Sent s;
      s.sched = double(rec["metadata"]["request_start_ns"].get<int64_t>()) -
                metric(rec, "send_lateness") * 1e6;
      s.arrive = double(arrival.at(rec["metadata"]["x_request_id"].get<std::string>()));
      m[rec["metadata"]["session_num"].get<int64_t>()] = s;
    }
    return m;
  };
  std::map<int64_t, Sent> a = sent(one), b = sent(mpi);
  ASSERT_EQ(a.size(), 150u);
  ASSERT_EQ(b.size(), 150u);
  const double a0 = a.begin()->second.sched, b0 = b.begin()->second.sched;
  std::vector<double> sched_err, arrive_err;
  for (auto& [i, sa] : a) {
    ASSERT_TRUE(b.count(i)) << "credit " << i << " missing under mpirun";
    const Sent& sb = b[i];
    sched_err.push_back(std::fabs((sb.sched - b0) - (sa.sched - a0)));
    // The server saw each request no earlier than it was scheduled (nobody sent early) ...
    EXPECT_GE(sb.arrive - sb.sched, -100e3) << "credit " << i;
    // ... and its arrival offset differs from one process's by the schedule difference plus
    // the two runs' own delays (lateness + delivery, A - S), which the ground truth measures.
    double delays = (sb.arrive - sb.sched) + (sa.arrive - sa.sched);
    arrive_err.push_back(std::fabs((sb.arrive - b0) - (sa.arrive - a0)) - delays);
  }
  EXPECT_LT(percentile(sched_err, 99), 1e6);
  EXPECT_LT(percentile(arrive_err, 99), 1e6);
  const json sum = mpi.summary();  // kept: a range-for over a temporary's member dangles
  for (const json& pr : sum["scale_out"]["per_rank"]) {
    EXPECT_EQ(pr["requests"].get<int>(), 50);  // entries r, r+3, ...
  }
}

// Request-rate mode: every rank draws the one Poisson sequence and fires its ticks (tick i on
// rank i mod 3), sending what one process sends.
TEST(ScaleOut, RateTicksAreDealtAcrossRanks) {
  REQUIRE_MPIRUN();
  MockServerProcess mock({"--ttft", "2", "--itl", "1"});
  std::vector<std::string> args = {"--model",
                                   "m",
                                   "--url",
                                   mock.url(),
                                   "--endpoint-type",
                                   "chat",
                                   "--tokenizer",
                                   "builtin",
                                   "--osl",
                                   "4",
                                   "--isl",
                                   "16",
                                   "--random-seed",
                                   "11",
                                   "--request-rate",
                                   "150",
                                   "--arrival-pattern",
                                   "poisson",
                                   "--request-count",
                                   "90",
                                   "--export-level",
                                   "raw"};
  MpiRun one = single(args);
  ASSERT_EQ(one.result.exit_code, 0) << one.result.err;
  MpiRun mpi = ranks(3, args);
  ASSERT_EQ(mpi.result.exit_code, 0) << mpi.result.out << mpi.result.err;
  std::map<int64_t, std::string> p1, p3;  // credit number -> payload
  for (const json& r : one.raw()) p1[r["metadata"]["session_num"]] = r["payload"].dump();
  for (const json& r : mpi.raw()) p3[r["metadata"]["session_num"]] = r["payload"].dump();
  EXPECT_EQ(p1.size(), 90u);
  EXPECT_EQ(p1, p3);
  // Which rank sent each credit: its worker id lies in that rank's range.
  const json so = mpi.summary()["scale_out"]["per_rank"];
  auto rank_of = [&](int worker) {
    int base = 0;
    for (const json& pr : so) {
      base += pr["workers"].get<int>();
      if (worker < base) return pr["rank"].get<int>();
    }
    return -1;
  };
  for (const json& r : mpi.records()) {
    std::string w = r["metadata"]["worker_id"];
    int64_t credit = r["metadata"]["session_num"];
    EXPECT_EQ(rank_of(std::stoi(w.substr(w.find('_') + 1))), int(credit % 3)) << credit;
  }
}

/// Most of `spans` ([begin, end] instants) open at once.
int most_open(const std::vector<std::pair<int64_t, int64_t>>& spans) {
  std::vector<std::pair<int64_t, int>> ev;
  for (auto [b, e] : spans) ev.insert(ev.end(), {{b, +1}, {e, -1}});
  std::sort(ev.begin(), ev.end());
  int cur = 0, most = 0;
  for (auto& e : ev) most = std::max(most, cur += e.second);
  return most;
}

// Load shaping under ranks: --prefill-concurrency 5 is split 2+2+1 (and --concurrency 8 3+3+2),
// so the server never holds more than 5 requests before their first token; the requests that
// --request-cancellation-rate cancels are those one process cancels (each credit gets the draw
// one process gives it). Cancellation at 0 s after the send against a TTFT of 200 ms.
TEST(ScaleOut, PrefillCapAndCancellationsMatchOneProcess) {
  REQUIRE_MPIRUN();
  std::string gdir = make_temp_dir("gt");
  MockServerProcess mock({"--ttft", "200", "--itl", "1", "--record-requests", gdir + "/gt.jsonl"});
  std::vector<std::string> args = kClosedLoop;
  args[std::find(args.begin(), args.end(), "--concurrency") - args.begin() + 1] = "8";
  args.insert(args.end(), {"--url", mock.url(), "--prefill-concurrency", "5",
                           "--request-cancellation-rate", "30"});
  MpiRun one = single(args);
  ASSERT_TRUE(fs::exists(one.dir + "/profile_export.jsonl")) << one.result.err;
  size_t seen_single = read_jsonl(gdir + "/gt.jsonl").size();
  MpiRun mpi = ranks(3, args);
  ASSERT_TRUE(fs::exists(mpi.dir + "/profile_export.jsonl")) << mpi.result.out << mpi.result.err;
  EXPECT_EQ(mpi.result.exit_code, one.result.exit_code) << mpi.result.err;
  mock.stop();
  std::vector<json> truth = read_jsonl(gdir + "/gt.jsonl");
  ASSERT_EQ(truth.size(), seen_single + 90);
  std::vector<std::pair<int64_t, int64_t>> prefill, inflight;
  for (size_t i = seen_single; i < truth.size(); ++i) {
    const json& g = truth[i];
    // The server stamps a first token before writing it, so its span [arrival, first token]
    // lies within the client's prefill hold. A cancelled request's slot is freed when the
    // client closes, before the server sees it: left out.
    if (g["first_token_mono_ns"].is_null()) continue;
    prefill.emplace_back(g["arrival_mono_ns"], g["first_token_mono_ns"]);
  }
  EXPECT_LE(most_open(prefill), 5);
  // The session cap from the client's own records (the server stamps a completion after its
  // last write, which is no bound), every rank's on rank 0's clock.
  for (const json& rec : mpi.records()) {
    const json& md = rec["metadata"];
    inflight.emplace_back(md["request_start_ns"], md["request_end_ns"]);
  }
  EXPECT_LE(most_open(inflight), 8);

  auto cancelled = [](const MpiRun& r) {
    std::map<int64_t, bool> m;  // credit number -> cancelled
    for (const json& rec : r.records()) {
      m[rec["metadata"]["session_num"].get<int64_t>()] =
          rec["metadata"].value("was_cancelled", false);
    }
    return m;
  };
  std::map<int64_t, bool> c1 = cancelled(one), c3 = cancelled(mpi);
  EXPECT_EQ(c1.size(), 90u);
  EXPECT_EQ(c1, c3);
  int n = 0;
  for (auto& [i, c] : c3) n += c;
  EXPECT_GT(n, 0);
  EXPECT_LT(n, 90);
  std::multiset<std::string> p1, p3;
  for (const json& r : one.raw()) p1.insert(r["payload"].dump());
  for (const json& r : mpi.raw()) p3.insert(r["payload"].dump());
  EXPECT_EQ(p1, p3);
}

/// The pid of rank `rank` among mpirun's children (their environment says which rank).
pid_t find_rank_pid(pid_t mpirun, int rank) {
  for (const auto& de : fs::directory_iterator("/proc")) {
    std::string name = de.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string stat = read_file(de.path().string() + "/stat");
    size_t close = stat.rfind(')');
    if (close == std::string::npos) continue;
    pid_t ppid = 0;
    char state;
    if (std::sscanf(stat.c_str() + close + 1, " %c %d", &state, &ppid) != 2 || ppid != mpirun) {
      continue;
    }
    std::string env = read_file(de.path().string() + "/environ");
    if (env.find("OMPI_COMM_WORLD_RANK=" + std::to_string(rank) + '\0') != std::string::npos) {
      return pid_t(std::stoi(name));
    }
  }
  return -1;
}

TEST(ScaleOut, ARankKilledMidRunIsReportedAndTheRunEnds) {
  REQUIRE_MPIRUN();
  std::string gdir = make_temp_dir("gt");
  std::string gt = gdir + "/gt.jsonl";
  MockServerProcess mock({"--ttft", "5", "--itl", "2", "--record-requests", gt});
  std::string dir = make_temp_dir("aiperf-mpi");
  // --enable-recovery: Open MPI keeps the job going when a process dies (by default mpirun
  // ends every rank at once, and nobody could write what completed).
  std::vector<std::string> v =
      mpirun_prefix(3, {"--enable-recovery", "-x", "AIPERF_RANK_TIMEOUT_S=2"});
  for (auto& a :
       profile_argv(dir, {"--model", "m", "--url", mock.url(), "--endpoint-type", "chat",
                          "--streaming", "--tokenizer", "builtin", "--osl", "20", "--isl", "16",
                          "--random-seed", "3", "--concurrency", "6", "--request-count", "900"})) {
    v.push_back(a);
  }
  ChildProcess job(v, dir + "/out.log", dir + "/err.log");
  // Once the server has seen 60 requests, kill rank 2.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (read_jsonl(gt).size() < 60 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_t victim = find_rank_pid(job.pid(), 2);
  ASSERT_GT(victim, 0) << "rank 2 not found";
  ASSERT_EQ(kill(victim, SIGKILL), 0);
  int rc = job.wait(120'000);  // no hang: bounded by the silence timeout and the phase
  std::string err = read_file(dir + "/err.log");
  ASSERT_NE(rc, -1) << "mpirun still running";
  // Rank 0 exits 1 ("ranks failed"); Open MPI 4.1's mpirun reports 0 for every job run with
  // --enable-recovery whatever its processes return (docs/scale-out.md "Faults").
  EXPECT_TRUE(rc == 1 || rc == 0) << rc;
  EXPECT_NE(err.find("rank 2 is lost"), std::string::npos) << err;
  EXPECT_NE(err.find("1 of 3 ranks failed"), std::string::npos) << err;
  json s = json::parse(read_file(dir + "/profile_export_aiperf.json"));
  const json& pr = s["scale_out"]["per_rank"];
  EXPECT_EQ(pr[2]["state"], "lost");
  EXPECT_EQ(pr[0]["state"], "ok");
  EXPECT_EQ(pr[1]["state"], "ok");
  // Ranks 0 and 1 finished their shares; rank 2's records up to its death may be in.
  EXPECT_EQ(pr[0]["requests"].get<int>(), 300);
  EXPECT_EQ(pr[1]["requests"].get<int>(), 300);
  double count = s["request_count"]["avg"].get<double>();
  EXPECT_GE(count, 600);
  EXPECT_LT(count, 900);
}

// Without --enable-recovery Open MPI ends the whole job when a process dies: mpirun names the
// rank and exits non-zero, and nothing hangs.
TEST(ScaleOut, ARankKilledWithoutRecoveryEndsTheJob) {
  REQUIRE_MPIRUN();
  std::string gdir = make_temp_dir("gt");
  std::string gt = gdir + "/gt.jsonl";
  MockServerProcess mock({"--ttft", "5", "--itl", "2", "--record-requests", gt});
  std::string dir = make_temp_dir("aiperf-mpi");
  std::vector<std::string> v = mpirun_prefix(3);
  for (auto& a : profile_argv(dir, {"--model", "m", "--url", mock.url(), "--endpoint-type", "chat",
                                    "--streaming", "--tokenizer", "builtin", "--osl", "20", "--isl",
                                    "16", "--concurrency", "6", "--request-count", "900"})) {
    v.push_back(a);
  }
  ChildProcess job(v, dir + "/out.log", dir + "/err.log");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (read_jsonl(gt).size() < 60 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_t victim = find_rank_pid(job.pid(), 2);
  ASSERT_GT(victim, 0) << "rank 2 not found";
  ASSERT_EQ(kill(victim, SIGKILL), 0);
  int rc = job.wait(60'000);
  std::string err = read_file(dir + "/err.log");
  ASSERT_NE(rc, -1) << "mpirun still running";
  EXPECT_NE(rc, 0) << err;
  EXPECT_NE(err.find("rank 2"), std::string::npos) << err;
}

TEST(ScaleOut, ARankThatCannotReachTheServerIsReported) {
  REQUIRE_MPIRUN();
  MockServerProcess mock({"--ttft", "2", "--itl", "1"});
  const std::string dead = "http://127.0.0.1:" + std::to_string(free_port());
  std::string dir = make_temp_dir("aiperf-mpi");
  std::vector<std::string> common = {"--model",       "m",       "--endpoint-type", "chat",
                                     "--tokenizer",   "builtin", "--osl",           "8",
                                     "--isl",         "16",      "--random-seed",   "5",
                                     "--concurrency", "6",       "--request-count", "90"};
  // MPMD: ranks 0 and 1 get the server, rank 2 a port nobody listens on.
  std::vector<std::string> v = mpirun_prefix(2);
  for (auto& a : profile_argv(dir, common)) v.push_back(a);
  v.insert(v.end(), {"--url", mock.url(), ":", "-np", "1"});
  for (auto& a : profile_argv(dir, common)) v.push_back(a);
  v.insert(v.end(), {"--url", dead});
  CommandResult r = run_command(v, 120);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("rank 2 cannot take part: cannot connect to " + dead), std::string::npos)
      << r.err;
  json s = json::parse(read_file(dir + "/profile_export_aiperf.json"));
  EXPECT_EQ(s["scale_out"]["per_rank"][2]["state"], "unreachable");
  EXPECT_EQ(s["request_count"]["avg"].get<double>(), 60.0);  // ranks 0 and 1: 30 each
}

TEST(ScaleOut, AConfigErrorIsOneLineFromRankZero) {
  REQUIRE_MPIRUN();
  MpiRun r =
      ranks(3, {"--model", "m", "--url", "http://127.0.0.1:1", "--concurrency", "0"}, {}, 60);
  EXPECT_EQ(r.result.exit_code, 2) << r.result.err;
  EXPECT_EQ(count_lines(r.result.err, "aiperf: error:"), 1) << r.result.err;
  EXPECT_NE(r.result.err.find("--concurrency"), std::string::npos) << r.result.err;
}

TEST(ScaleOut, AMissingMpiModuleIsOneLine) {
  REQUIRE_MPIRUN();
  MpiRun r =
      ranks(3, {"--model", "m"}, {"-x", "AIPERF_MPI_MODULE=/nonexistent/libaiperf_mpi.so"}, 60);
  EXPECT_EQ(r.result.exit_code, 2) << r.result.err;
  EXPECT_EQ(count_lines(r.result.err, "aiperf: error:"), 1) << r.result.err;
  EXPECT_NE(r.result.err.find("cannot load the MPI module"), std::string::npos) << r.result.err;
}

}  // namespace
}  // namespace aiperf::testing
