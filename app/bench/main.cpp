// telecabine-bench NAME [--json] [options]: benchmarks that print one JSON object on stdout.
#include "../cli/command_line.hpp"
#include "benchmarks.hpp"

#include <iostream>
#include <map>
#include <string>

int main(int argc, char** argv) {
    tc::cli::CommandLine args(argc, argv, {"json", "help"});
    const auto& words = args.positional();
    if (args.flag("help") || words.size() != 1) {
        std::cerr
            << "usage: telecabine-bench NAME [--json] [options]\n"
               "benchmarks:\n"
               "  rendezvous  [--cabins N (2000)] [--doctors M (200)] [--rate CHECKINS_PER_S "
               "(100)]\n"
               "              [--samples N (500)]\n"
               "  rendezvous-cluster [--cabins N (20000)] [--doctors M (2000)] [--nodes LIST "
               "(1,2,4)]\n"
               "              [--samples N (100)] [--rate CHECKINS_PER_S (10)] [--sqlite yes|no] "
               "(starts PostgreSQL)\n"
               "  audit-append [--appends N (2000)]  (starts PostgreSQL)\n"
               "  srtp        [--packets N (100000)]\n"
               "  transport-loss [--packets N (3000)] [--deadline-ms N (200)]\n"
               "  stetho-latency [--impulses N (50)]\n"
               "  stetho-cpu  [--seconds N (10)]\n"
               "  video-cpu   [--seconds N (10)]\n"
               "  vitals-latency [--seconds N (10)] [--jitter-ms N (0)]\n"
               "  prescription [--runs N (100, at least 50)]\n"
               "  recording-crash [--runs N (20)]     (needs flac, metaflac)\n"
               "  archive     [--runs N (5)] [--flac-mb N (70)]\n"
               "  review      [--consultations N (100000)] [--runs N (20)] [--recording-s N "
               "(300)]\n"
               "  connect     [--runs N (5)] [--consultations N (3)] [--path NAME]  (root, "
               "nftables, coturn: the NAT lab;\n"
               "              the consultations run the console: a display)\n"
               "  join        [--runs N (5)]            (the console: needs a display)\n"
               "  video-latency [--seconds N (10)]      (the console: needs a display)\n"
               "  vitals      [--seconds N (10)]        (the console: needs a display)\n"
               "  (join, video-latency, vitals: [--scene-graph auto|gpu|software (auto)])\n"
               "  browser-call [--seconds N (20)] [--latency-seconds N (5)]  (the console "
               "and\n"
               "              Chromium as doctors in turn: a display, chromium, gst-launch-1.0)\n"
               "              [--console PATH (this build's telecabine)]  (another build's, "
               "to compare)\n";
        return words.size() == 1 || args.flag("help") ? 0 : 2;
    }
    using Benchmark = int (*)(tc::cli::CommandLine&);
    const std::map<std::string, Benchmark> benchmarks{
        {"rendezvous", tc::bench::runRendezvous},
#ifdef TC_BENCH_RENDEZVOUS_CLUSTER
        {"rendezvous-cluster", tc::bench::runRendezvousCluster},
        {"audit-append", tc::bench::runAuditAppend},
#endif
#ifdef TC_BENCH_REVIEW
        {"review", tc::bench::runReview},
#endif
#ifdef TC_BENCH_CONNECT
        {"connect", tc::bench::runConnect},
#endif
#ifdef TC_BENCH_BROWSER_CALL
        {"browser-call", tc::bench::runBrowserCall},
#endif
        {"srtp", tc::bench::runSrtp},
        {"transport-loss", tc::bench::runTransportLoss},
        {"stetho-latency", tc::bench::runStethoLatency},
        {"stetho-cpu", tc::bench::runStethoCpu},
        {"video-cpu", tc::bench::runVideoCpu},
        {"prescription", tc::bench::runPrescription},
        {"recording-crash", tc::bench::runRecordingCrash},
        {"archive", tc::bench::runArchive},
        {"vitals-latency", tc::bench::runVitalsLatency},
#ifdef TC_BENCH_CONSOLE
        {"join", tc::bench::runJoin},
        {"video-latency", tc::bench::runVideoLatency},
        {"vitals", tc::bench::runVitals},
#endif
    };
    if (const auto found = benchmarks.find(words[0]); found != benchmarks.end()) {
        return found->second(args);
    }
    std::cerr << "telecabine-bench: unknown benchmark \"" << words[0] << "\"\n";
    return 2;
}
