// OMEMO 2 (twomemo) beside e2ekit's own Signal v3 in one binary, in pairs named BM_<op>/<who>
// so the ratio to signal_v3 is read off directly (python-twomemo, the reference, is Python: no
// like-for-like library to pair with):
//
//   BM_session_setup      the initiator builds a session from a bundle and encrypts its first
//                         message (a key exchange), the responder builds its side from it
//   BM_encrypt            one message on an established session (twomemo: the 48-byte key
//                         material of one device; signal_v3: a 100-byte plaintext)
//   BM_decrypt_in_order   the same, decrypted in order
//   BM_encrypt_message    twomemo/N: a 100-byte body to N devices, all the work of a sender:
//                         the payload, N key materials, the <encrypted> element as text
//   BM_decrypt_message    twomemo: the receiving device's part of such a message from 10
//                         devices' element: parse, its key material, the payload
//
// Every step's state is kept (a commit into memory), as a device must.
// Run: bench_twomemo --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <e2ekit/protocols/signal/session.hpp>
#include <e2ekit/protocols/twomemo.hpp>

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

namespace {

using namespace e2ekit;
namespace om = e2ekit::protocols::omemo2;
namespace sig = e2ekit::protocols::signal;

const bytes body(100, 0x61);

struct omemo_device {
    testing::deterministic_random rng;
    om::identity_key_pair id;
    std::vector<om::signed_prekey> spks;
    std::vector<om::prekey> pks;
    explicit omemo_device(std::uint64_t seed)
        : rng(seed), id(om::identity_key_pair::generate(rng)) {
        spks.push_back(om::signed_prekey::generate(id.dh, 1, 0, rng));
        pks = om::prekey::generate(1, 100, rng);
    }
    om::bundle bundle() const { return om::make_bundle(id, spks[0], pks); }
};

/// Alice's session with Bob and Bob's with Alice, Bob's built from Alice's first message.
struct omemo_pair {
    omemo_device alice{1}, bob{2};
    om::session a, b;
    omemo_pair() {
        a = om::build_session_active(alice.id, bob.bundle(), alice.rng).value();
        auto km = om::encrypt_plaintext(alice.rng, body).key_material;
        auto [next, e] = om::encrypt_key_material(a, km, alice.rng).value().split();
        a = std::move(next);
        auto x = om::parse_key_exchange(e.data).value();
        b = om::build_session_passive(bob.id, bob.spks, bob.pks, x).value().take_state();
        // Bob answers, so that Alice's session is confirmed (no more key exchanges).
        auto [bn, reply] = om::encrypt_key_material(b, km, bob.rng).value().split();
        b = std::move(bn);
        a = om::decrypt_key_material(a, om::parse_authenticated_message(reply.data).value())
                .value()
                .take_state();
    }
};

void BM_session_setup_twomemo(benchmark::State& st) {
    omemo_device alice(1), bob(2);
    const auto b = bob.bundle();
    const auto km = om::encrypt_plaintext(alice.rng, body).key_material;
    for (auto _ : st) {
        auto a = om::build_session_active(alice.id, b, alice.rng).value();
        auto e = om::encrypt_key_material(a, km, alice.rng).value().release();
        auto x = om::parse_key_exchange(e.data).value();
        benchmark::DoNotOptimize(om::build_session_passive(bob.id, bob.spks, bob.pks, x));
    }
}

void BM_encrypt_twomemo(benchmark::State& st) {
    omemo_pair p;
    const auto km = om::encrypt_plaintext(p.alice.rng, body).key_material;
    for (auto _ : st) {
        auto [next, e] = om::encrypt_key_material(p.a, km, p.alice.rng).value().split();
        p.a = std::move(next);
        benchmark::DoNotOptimize(e);
    }
}

void BM_decrypt_in_order_twomemo(benchmark::State& st) {
    omemo_pair p;
    const auto km = om::encrypt_plaintext(p.alice.rng, body).key_material;
    std::vector<bytes> batch;
    for (int i = 0; i < 1024; ++i) {
        auto [next, e] = om::encrypt_key_material(p.a, km, p.alice.rng).value().split();
        p.a = std::move(next);
        batch.push_back(std::move(e.data));
    }
    const auto snapshot = p.b.clone();
    std::size_t i = 0;
    for (auto _ : st) {
        if (i == batch.size()) {
            st.PauseTiming();
            p.b = snapshot.clone();
            i = 0;
            st.ResumeTiming();
        }
        auto m = om::parse_authenticated_message(batch[i++]).value();
        auto [next, k] = om::decrypt_key_material(p.b, m).value().split();
        p.b = std::move(next);
        benchmark::DoNotOptimize(k);
    }
}

/// One sender with established sessions to `n` devices.
struct fanout {
    omemo_device alice{1};
    std::vector<om::session> sessions;
    std::vector<om::session> receivers;
    explicit fanout(std::size_t n) {
        for (std::size_t d = 0; d < n; ++d) {
            omemo_device bob(100 + d);
            auto a = om::build_session_active(alice.id, bob.bundle(), alice.rng).value();
            const auto km = om::encrypt_plaintext(alice.rng, body).key_material;
            auto [next, e] = om::encrypt_key_material(a, km, alice.rng).value().split();
            auto x = om::parse_key_exchange(e.data).value();
            auto b = om::build_session_passive(bob.id, bob.spks, bob.pks, x).value().take_state();
            auto [bn, reply] = om::encrypt_key_material(b, km, bob.rng).value().split();
            auto m = om::parse_authenticated_message(reply.data).value();
            sessions.push_back(om::decrypt_key_material(next, m).value().take_state());
            receivers.push_back(std::move(bn));
        }
    }
    std::string encrypt() {
        auto p = om::encrypt_plaintext(alice.rng, body);
        om::encrypted_element m{1, {{"bob@example.org", {}}}, std::move(p.ciphertext)};
        auto& keys = m.recipients[0].keys;
        keys.reserve(sessions.size());
        for (std::size_t d = 0; d < sessions.size(); ++d) {
            auto [next, e] =
                om::encrypt_key_material(sessions[d], p.key_material, alice.rng).value().split();
            sessions[d] = std::move(next);
            keys.push_back({static_cast<std::uint32_t>(100 + d), std::move(e)});
        }
        return om::encrypted_xml(m);
    }
};

void BM_encrypt_message_twomemo(benchmark::State& st) {
    fanout f(static_cast<std::size_t>(st.range(0)));
    for (auto _ : st)
        benchmark::DoNotOptimize(f.encrypt());
}

void BM_decrypt_message_twomemo(benchmark::State& st) {
    fanout f(10);
    std::vector<std::string> batch;
    for (int i = 0; i < 256; ++i)
        batch.push_back(f.encrypt());
    const auto snapshot = f.receivers[3].clone();
    om::session s = snapshot.clone();
    std::size_t i = 0;
    for (auto _ : st) {
        if (i == batch.size()) {
            st.PauseTiming();
            s = snapshot.clone();
            i = 0;
            st.ResumeTiming();
        }
        auto m = om::parse_encrypted(batch[i++]).value();
        const auto& k = m.recipients[0].keys[3];
        auto am = om::parse_authenticated_message(k.material.data).value();
        auto [next, km] = om::decrypt_key_material(s, am).value().split();
        s = std::move(next);
        benchmark::DoNotOptimize(om::decrypt_plaintext(m.payload, km));
    }
}

// --- e2ekit's Signal v3 sessions, the same operations -----------------------------------------

struct signal_device {
    testing::deterministic_random rng;
    sig::key_pair id;
    identity::signed_prekey<sig::x3dh_params> spk;
    std::vector<identity::one_time_prekey<sig::x3dh_params>> otks;
    explicit signal_device(std::uint64_t seed)
        : rng(seed), id(crypto::x25519::generate(rng)),
          spk(identity::signed_prekey<sig::x3dh_params>::generate(id, 1, 0, rng)),
          otks(identity::one_time_prekey<sig::x3dh_params>::generate(1, 1, rng)) {}
    sig::prekey_bundle bundle() const { return identity::make_bundle(id, 7, 1, spk, &otks[0]); }
};

struct signal_pair {
    signal_device alice{1}, bob{2};
    sig::session_state a, b;
    signal_pair() {
        a = sig::initiate(alice.id, 5, bob.bundle(), alice.rng).value();
        auto [an, first] = sig::encrypt(a, body, alice.rng).value().split();
        a = std::move(an);
        auto m = sig::parse_prekey_signal_message(first.body).value();
        b = sig::accept({bob.id, 7, bob.spk.keys, &bob.otks[0].keys}, m).value().take_state();
        auto [bn, reply] = sig::encrypt(b, body, bob.rng).value().split();
        b = std::move(bn);
        a = sig::decrypt(a, reply.body).value().take_state();
    }
};

void BM_session_setup_signal_v3(benchmark::State& st) {
    signal_device alice(1), bob(2);
    const auto b = bob.bundle();
    for (auto _ : st) {
        auto a = sig::initiate(alice.id, 5, b, alice.rng).value();
        auto first = sig::encrypt(a, body, alice.rng).value().release();
        auto m = sig::parse_prekey_signal_message(first.body).value();
        benchmark::DoNotOptimize(sig::accept({bob.id, 7, bob.spk.keys, &bob.otks[0].keys}, m));
    }
}

void BM_encrypt_signal_v3(benchmark::State& st) {
    signal_pair p;
    for (auto _ : st) {
        auto [next, out] = sig::encrypt(p.a, body, p.alice.rng).value().split();
        p.a = std::move(next);
        benchmark::DoNotOptimize(out);
    }
}

void BM_decrypt_in_order_signal_v3(benchmark::State& st) {
    signal_pair p;
    std::vector<bytes> batch;
    for (int i = 0; i < 1024; ++i) {
        auto [next, out] = sig::encrypt(p.a, body, p.alice.rng).value().split();
        p.a = std::move(next);
        batch.push_back(std::move(out.body));
    }
    const auto snapshot = p.b.clone();
    std::size_t i = 0;
    for (auto _ : st) {
        if (i == batch.size()) {
            st.PauseTiming();
            p.b = snapshot.clone();
            i = 0;
            st.ResumeTiming();
        }
        auto [next, pt] = sig::decrypt(p.b, batch[i++]).value().split();
        p.b = std::move(next);
        benchmark::DoNotOptimize(pt);
    }
}

} // namespace

BENCHMARK(BM_session_setup_twomemo)->Name("BM_session_setup/twomemo");
BENCHMARK(BM_session_setup_signal_v3)->Name("BM_session_setup/signal_v3");
BENCHMARK(BM_encrypt_twomemo)->Name("BM_encrypt/twomemo");
BENCHMARK(BM_encrypt_signal_v3)->Name("BM_encrypt/signal_v3");
BENCHMARK(BM_decrypt_in_order_twomemo)->Name("BM_decrypt_in_order/twomemo");
BENCHMARK(BM_decrypt_in_order_signal_v3)->Name("BM_decrypt_in_order/signal_v3");
BENCHMARK(BM_encrypt_message_twomemo)
    ->Name("BM_encrypt_message/twomemo")
    ->Arg(1)
    ->Arg(10)
    ->Arg(100);
BENCHMARK(BM_decrypt_message_twomemo)->Name("BM_decrypt_message/twomemo");
