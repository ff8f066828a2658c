// telecabine-bench NAME [--json] [options]: benchmarks that print one JSON object on stdout.
#include "../cli/command_line.hpp"
#include "benchmarks.hpp"

#include <iostream>

int main(int argc, char** argv) {
    tc::cli::CommandLine args(argc, argv, {"json", "help"});
    const auto& words = args.positional();
    if (args.flag("help") || words.size() != 1) {
        std::cerr << "usage: telecabine-bench NAME [--json] [options]\n"
                     "benchmarks:\n"
                     "  rendezvous  [--cabins N (2000)] [--doctors M (200)] [--rate CHECKINS_PER_S "
                     "(100)]\n"
                     "              [--samples N (500)]\n"
                     "  srtp        [--packets N (100000)]\n"
                     "  transport-loss [--packets N (3000)] [--deadline-ms N (200)]\n"
                     "  stetho-latency [--impulses N (50)]\n"
                     "  stetho-cpu  [--seconds N (10)]\n"
                     "  video-cpu   [--seconds N (10)]\n"
                     "  vitals-latency [--seconds N (10)] [--jitter-ms N (0)]\n"
                     "  prescription [--runs N (100, at least 50)]\n"
                     "  recording-crash [--runs N (20)]     (needs flac, metaflac)\n"
                     "  archive     [--runs N (5)] [--flac-mb N (70)]\n"
                     "  review      [--consultations N (100000)] [--runs N (20)]\n"
                     "  connect     [--runs N (5)] [--consultations N (3)] [--path NAME]  (root, "
                     "nftables, coturn: the NAT lab;\n"
                     "              the consultations run the console: a display)\n"
                     "  join        [--runs N (5)]            (the console: needs a display)\n"
                     "  video-latency [--seconds N (10)]      (the console: needs a display)\n"
                     "  vitals      [--seconds N (10)]        (the console: needs a display)\n"
                     "  (join, video-latency, vitals: [--scene-graph auto|gpu|software (auto)])\n";
        return words.size() == 1 || args.flag("help") ? 0 : 2;
    }
    if (words[0] == "rendezvous") {
        return tc::bench::runRendezvous(args);
    }
#ifdef TC_BENCH_REVIEW
    if (words[0] == "review") {
        return tc::bench::runReview(args);
    }
#endif
#ifdef TC_BENCH_CONNECT
    if (words[0] == "connect") {
        return tc::bench::runConnect(args);
    }
#endif
    if (words[0] == "srtp") {
        return tc::bench::runSrtp(args);
    }
    if (words[0] == "transport-loss") {
        return tc::bench::runTransportLoss(args);
    }
    if (words[0] == "stetho-latency") {
        return tc::bench::runStethoLatency(args);
    }
    if (words[0] == "stetho-cpu") {
        return tc::bench::runStethoCpu(args);
    }
    if (words[0] == "video-cpu") {
        return tc::bench::runVideoCpu(args);
    }
    if (words[0] == "prescription") {
        return tc::bench::runPrescription(args);
    }
    if (words[0] == "recording-crash") {
        return tc::bench::runRecordingCrash(args);
    }
    if (words[0] == "archive") {
        return tc::bench::runArchive(args);
    }
    if (words[0] == "vitals-latency") {
        return tc::bench::runVitalsLatency(args);
    }
#ifdef TC_BENCH_CONSOLE
    if (words[0] == "join") {
        return tc::bench::runJoin(args);
    }
    if (words[0] == "video-latency") {
        return tc::bench::runVideoLatency(args);
    }
    if (words[0] == "vitals") {
        return tc::bench::runVitals(args);
    }
#endif
    std::cerr << "telecabine-bench: unknown benchmark \"" << words[0] << "\"\n";
    return 2;
}
