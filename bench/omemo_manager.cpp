// session::manager, the whole of what an OMEMO client pays per operation:
// payload, key material per device, the <encrypted> XML, trust and device
// lookups and the store commit (storage::memory_store). The per-backend
// benches (bench_oldmemo, bench_twomemo) put the protocol cores beside
// signal_v3; this one shows what the manager adds on top.
//
//   BM_omemo_encrypt/<backend>/N   one message to N devices of one contact
//                                  (sessions confirmed, so no key exchanges)
//   BM_omemo_decrypt/<backend>     one device reads a message sent to it
//   BM_omemo_session_setup/<backend>
//                                  a bundle arrives: parsed, its signature
//                                  checked, identity and trust recorded, an
//                                  active session built and committed
//
// Run: bench_omemo_manager --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <e2ekit/protocols/oldmemo.hpp>
#include <e2ekit/protocols/twomemo.hpp>
#include <e2ekit/session/manager.hpp>
#include <e2ekit/storage/memory_store.hpp>
#include <e2ekit/trust/btbv.hpp>

#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

namespace {

using namespace e2ekit;
constexpr std::uint64_t now = 1'700'000'000;
const bytes body(100, 0x61);

template <class P>
using manager_t = session::manager<storage::memory_store, trust::btbv, session::delete_on_use, P>;

template <class P>
struct device {
    storage::memory_store store;
    std::optional<manager_t<P>> m;
    device(const std::string& jid, testing::deterministic_random& r) {
        m.emplace(manager_t<P>::open(store, r, jid, "", now).value());
    }
};

/// Alice and `n` devices of bob's, sessions confirmed both ways.
template <class P>
struct world {
    using B = session::session_backend_t<P>;
    testing::deterministic_random r{5};
    std::unique_ptr<device<P>> alice;
    std::vector<std::unique_ptr<device<P>>> bobs;
    const std::string ns{B::namespace_uri};
    const std::vector<std::string> to_bob{"bob@example.org"};

    explicit world(std::size_t n) : alice(std::make_unique<device<P>>("alice@example.org", r)) {
        std::vector<session::listed_device> list;
        for (std::size_t i = 0; i < n; ++i) {
            bobs.push_back(std::make_unique<device<P>>("bob@example.org", r));
            list.push_back({bobs.back()->m->device_id(), ""});
        }
        const std::vector<session::listed_device> la{{alice->m->device_id(), ""}};
        (void)alice->m->on_device_list(ns, "bob@example.org", B::device_list_xml(list)).value();
        for (auto& b : bobs) {
            (void)alice->m
                ->on_bundle(ns, "bob@example.org", b->m->device_id(),
                            b->m->publish_bundles()[0].xml, r)
                .value();
            (void)b->m->on_device_list(ns, "alice@example.org", B::device_list_xml(la)).value();
            (void)b->m
                ->on_bundle(ns, "alice@example.org", alice->m->device_id(),
                            alice->m->publish_bundles()[0].xml, r)
                .value();
        }
        // Each bob reads the key exchange; its empty message confirms the
        // session on alice's side.
        const auto first = alice->m->encrypt(to_bob, body, r).value().messages.at(0).xml;
        for (auto& b : bobs)
            for (const auto& f :
                 b->m->decrypt(ns, "alice@example.org", first, r, now).value().follow_ups)
                if (f.what == session::outgoing::kind::message)
                    (void)alice->m->decrypt(ns, "bob@example.org", f.xml, r, now).value();
    }
};

template <class P>
void encrypt(benchmark::State& st) {
    world<P> w(static_cast<std::size_t>(st.range(0)));
    for (auto _ : st)
        benchmark::DoNotOptimize(w.alice->m->encrypt(w.to_bob, body, w.r));
}

template <class P>
void decrypt(benchmark::State& st) {
    world<P> w(1);
    auto& bob = *w.bobs[0]->m;
    for (auto _ : st) {
        st.PauseTiming();
        const auto xml = w.alice->m->encrypt(w.to_bob, body, w.r).value().messages.at(0).xml;
        st.ResumeTiming();
        benchmark::DoNotOptimize(bob.decrypt(w.ns, "alice@example.org", xml, w.r, now));
    }
}

template <class P>
void session_setup(benchmark::State& st) {
    world<P> w(1);
    const auto bundle = w.bobs[0]->m->publish_bundles()[0].xml;
    const auto id = w.bobs[0]->m->device_id();
    std::size_t i = 0;
    for (auto _ : st) {
        // A new contact each time: the directory holds one device per JID.
        const std::string jid = "c" + std::to_string(i++) + "@example.org";
        benchmark::DoNotOptimize(w.alice->m->on_bundle(w.ns, jid, id, bundle, w.r));
    }
}

} // namespace

using e2ekit::protocols::oldmemo;
using e2ekit::protocols::twomemo;
BENCHMARK(encrypt<twomemo>)->Name("BM_omemo_encrypt/twomemo")->Arg(1)->Arg(10)->Arg(100);
BENCHMARK(encrypt<oldmemo>)->Name("BM_omemo_encrypt/oldmemo")->Arg(1)->Arg(10)->Arg(100);
BENCHMARK(decrypt<twomemo>)->Name("BM_omemo_decrypt/twomemo");
BENCHMARK(decrypt<oldmemo>)->Name("BM_omemo_decrypt/oldmemo");
BENCHMARK(session_setup<twomemo>)->Name("BM_omemo_session_setup/twomemo");
BENCHMARK(session_setup<oldmemo>)->Name("BM_omemo_session_setup/oldmemo");
