// OMEMO 0.3 (protocols/oldmemo.hpp) beside e2ekit's own Signal v3 sessions
// (protocols/signal/session.hpp), both in this binary, in pairs named
// BM_<op>/<protocol> so the ratios to Signal read off directly:
//
//   BM_session_setup    the initiator verifies a bundle, runs X3DH and
//                       encrypts its first message; the responder builds its
//                       session from it and decrypts (oldmemo: key material,
//                       then the payload)
//   BM_encrypt/N        one 100-byte message to N devices: oldmemo encrypts
//                       the payload once and the key material N times and
//                       writes the <encrypted> element; Signal encrypts the
//                       plaintext N times
//   BM_decrypt          one message, in order, on an established session
//                       (oldmemo: <encrypted> read, key material, payload;
//                       oldmemo_without_xml: the same from the bytes)
//
// Every step commits: the next session is serialized (what a store would
// write) before its payload is used. Both protocols share the X3DH and the
// ratchet; oldmemo adds AES-128-GCM and the XML form.
// Run: bench_oldmemo --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <e2ekit/protocols/oldmemo.hpp>
#include <e2ekit/protocols/signal/session.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

namespace {

using namespace e2ekit;
namespace om = e2ekit::protocols::omemo03;
namespace sig = e2ekit::protocols::signal;

const bytes plaintext(100, 0x61);

// ---- oldmemo ---------------------------------------------------------------

struct om_device {
    system_random rng;
    om::identity_key_pair id = om::identity_key_pair::generate(rng);
    om::signed_prekey spk = om::generate_signed_prekey(id, 1, 0, rng);
    std::vector<om::prekey> pks = om::generate_prekeys(1, 100, rng);
    om::bundle bundle = om::make_bundle(id, spk, pks);
    secret_bytes stored;

    template <class Step>
    auto commit(om::session& into, Step&& step) {
        return *std::move(step).commit([&](const om::session& s) {
            stored = om::serialize(s);
            into = s.clone();
            return ok();
        });
    }
};

/// One message to every session in `to`, as the <encrypted> element.
std::string om_encrypt(om_device& from, std::vector<om::session>& to) {
    auto payload = om::encrypt_plaintext(from.rng, plaintext);
    om::encrypted_element e{1, {}, payload.content.iv, payload.content.ciphertext};
    e.keys.reserve(to.size());
    std::uint32_t rid = 100;
    for (auto& s : to) {
        auto k = from.commit(s, *om::encrypt_key_material(s, payload.key_material, from.rng));
        e.keys.push_back({rid++, k.prekey, std::move(k.data)});
    }
    return om::serialize_encrypted(e);
}

secret_bytes om_decrypt(om_device& at, om::session& s, const std::string& xml) {
    auto e = *om::parse_encrypted(xml);
    auto [next, km] = (*om::decrypt_key_material(s, e.keys.front().data)).split();
    auto pt = *om::decrypt_plaintext(e.content(), km);
    at.stored = om::serialize(next);
    s = std::move(next);
    return pt;
}

/// A confirmed pair of sessions.
void om_start(om_device& alice, om_device& bob, om::session& a, om::session& b) {
    a = *om::build_session_active(alice.id, bob.bundle, alice.rng);
    std::vector<om::session> one;
    one.push_back(a.clone());
    auto first = *om::parse_encrypted(om_encrypt(alice, one));
    a = std::move(one.front());
    auto x = *om::parse_key_exchange(first.keys.front().data);
    auto [bs, acc] =
        (*om::build_session_passive(bob.id, std::span(&bob.spk, 1), bob.pks, x)).split();
    b = std::move(bs);
    std::vector<om::session> back;
    back.push_back(b.clone());
    const std::string reply = om_encrypt(bob, back);
    b = std::move(back.front());
    benchmark::DoNotOptimize(om_decrypt(alice, a, reply));
}

void BM_session_setup_oldmemo(benchmark::State& st) {
    om_device alice, bob;
    for (auto _ : st) {
        auto a = *om::build_session_active(alice.id, bob.bundle, alice.rng);
        auto payload = om::encrypt_plaintext(alice.rng, plaintext);
        auto k = alice.commit(a, *om::encrypt_key_material(a, payload.key_material, alice.rng));
        auto x = *om::parse_key_exchange(k.data);
        om::session b;
        auto acc =
            bob.commit(b, *om::build_session_passive(bob.id, std::span(&bob.spk, 1), bob.pks, x));
        benchmark::DoNotOptimize(*om::decrypt_plaintext(payload.content, acc.key_material));
    }
}

void BM_encrypt_oldmemo(benchmark::State& st) {
    om_device alice, bob;
    om::session a, b;
    om_start(alice, bob, a, b);
    std::vector<om::session> to;
    for (int i = 0; i < st.range(0); ++i)
        to.push_back(a.clone());
    for (auto _ : st)
        benchmark::DoNotOptimize(om_encrypt(alice, to));
    st.counters["devices"] = static_cast<double>(st.range(0));
}

void BM_decrypt_oldmemo(benchmark::State& st) {
    om_device alice, bob;
    om::session a, b;
    om_start(alice, bob, a, b);
    std::vector<std::string> batch;
    std::vector<om::session> one;
    one.push_back(a.clone());
    for (int i = 0; i < 1024; ++i)
        batch.push_back(om_encrypt(alice, one));
    const om::session snapshot = b.clone();
    std::size_t i = 0;
    for (auto _ : st) {
        if (i == batch.size()) {
            st.PauseTiming();
            b = snapshot.clone();
            i = 0;
            st.ResumeTiming();
        }
        benchmark::DoNotOptimize(om_decrypt(bob, b, batch[i++]));
    }
}

/// The same without the XML: key material and payload from their bytes.
void BM_decrypt_oldmemo_without_xml(benchmark::State& st) {
    om_device alice, bob;
    om::session a, b;
    om_start(alice, bob, a, b);
    struct wire {
        bytes key;
        om::content content;
    };
    std::vector<wire> batch;
    std::vector<om::session> one;
    one.push_back(a.clone());
    for (int i = 0; i < 1024; ++i) {
        auto e = *om::parse_encrypted(om_encrypt(alice, one));
        batch.push_back({e.keys.front().data, e.content()});
    }
    const om::session snapshot = b.clone();
    std::size_t i = 0;
    for (auto _ : st) {
        if (i == batch.size()) {
            st.PauseTiming();
            b = snapshot.clone();
            i = 0;
            st.ResumeTiming();
        }
        const wire& w = batch[i++];
        auto [next, km] = (*om::decrypt_key_material(b, w.key)).split();
        bob.stored = om::serialize(next);
        b = std::move(next);
        benchmark::DoNotOptimize(*om::decrypt_plaintext(w.content, km));
    }
}

// ---- signal_v3 (e2ekit) ----------------------------------------------------

using spk_t = identity::signed_prekey<sig::x3dh_params>;
using otk_t = identity::one_time_prekey<sig::x3dh_params>;

struct sig_device {
    system_random rng;
    sig::key_pair id = crypto::x25519::generate(rng);
    spk_t spk = spk_t::generate(id, 1, 0, rng);
    std::vector<otk_t> otks = otk_t::generate(1, 1, rng);
    secret_bytes stored;

    sig::prekey_bundle bundle() const { return identity::make_bundle(id, 1, 1, spk, &otks[0]); }
    template <class Step>
    auto commit(sig::session_state& into, Step&& step) {
        return *std::move(step).commit([&](const sig::session_state& s) {
            stored = sig::double_ratchet::serialize(s.ratchet);
            into = s.clone();
            return ok();
        });
    }
    sig::outgoing encrypt(sig::session_state& s) {
        return commit(s, *sig::encrypt(s, plaintext, rng));
    }
    secret_bytes decrypt(sig::session_state& s, bytes_view m) {
        return commit(s, *sig::decrypt(s, m));
    }
};

void sig_start(sig_device& alice, sig_device& bob, sig::session_state& a, sig::session_state& b) {
    a = *sig::initiate(alice.id, 1, bob.bundle(), alice.rng);
    auto first = alice.encrypt(a);
    auto m = *sig::parse_prekey_signal_message(first.body);
    benchmark::DoNotOptimize(
        bob.commit(b, *sig::accept({bob.id, 1, bob.spk.keys, &bob.otks[0].keys}, m)));
    auto reply = bob.encrypt(b);
    benchmark::DoNotOptimize(alice.decrypt(a, reply.body));
}

void BM_session_setup_signal(benchmark::State& st) {
    sig_device alice, bob;
    const auto bundle = bob.bundle();
    for (auto _ : st) {
        auto a = *sig::initiate(alice.id, 1, bundle, alice.rng);
        auto first = alice.encrypt(a);
        auto m = *sig::parse_prekey_signal_message(first.body);
        sig::session_state b;
        benchmark::DoNotOptimize(
            bob.commit(b, *sig::accept({bob.id, 1, bob.spk.keys, &bob.otks[0].keys}, m)));
    }
}

void BM_encrypt_signal(benchmark::State& st) {
    sig_device alice, bob;
    sig::session_state a, b;
    sig_start(alice, bob, a, b);
    std::vector<sig::session_state> to;
    for (int i = 0; i < st.range(0); ++i)
        to.push_back(a.clone());
    for (auto _ : st)
        for (auto& s : to)
            benchmark::DoNotOptimize(alice.encrypt(s));
    st.counters["devices"] = static_cast<double>(st.range(0));
}

void BM_decrypt_signal(benchmark::State& st) {
    sig_device alice, bob;
    sig::session_state a, b;
    sig_start(alice, bob, a, b);
    std::vector<sig::outgoing> batch;
    for (int i = 0; i < 1024; ++i)
        batch.push_back(alice.encrypt(a));
    const sig::session_state snapshot = b.clone();
    std::size_t i = 0;
    for (auto _ : st) {
        if (i == batch.size()) {
            st.PauseTiming();
            b = snapshot.clone();
            i = 0;
            st.ResumeTiming();
        }
        benchmark::DoNotOptimize(bob.decrypt(b, batch[i++].body));
    }
}

} // namespace

BENCHMARK(BM_session_setup_oldmemo)->Name("BM_session_setup/oldmemo");
BENCHMARK(BM_session_setup_signal)->Name("BM_session_setup/signal_v3");
BENCHMARK(BM_encrypt_oldmemo)->Name("BM_encrypt/oldmemo")->Arg(1)->Arg(10)->Arg(100);
BENCHMARK(BM_encrypt_signal)->Name("BM_encrypt/signal_v3")->Arg(1)->Arg(10)->Arg(100);
BENCHMARK(BM_decrypt_oldmemo)->Name("BM_decrypt/oldmemo");
BENCHMARK(BM_decrypt_oldmemo_without_xml)->Name("BM_decrypt/oldmemo_without_xml");
BENCHMARK(BM_decrypt_signal)->Name("BM_decrypt/signal_v3");
