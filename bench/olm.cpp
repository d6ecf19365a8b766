// Olm: e2ekit beside libolm 3.2 in one binary, in pairs named
// BM_olm_<op>/<who> so the ratios are read off directly:
//
//   BM_olm_account_create    identity keys (Ed25519 + Curve25519)
//   BM_olm_outbound_session  a session from a peer's identity and one-time key
//   BM_olm_inbound_session   a session from a pre-key message, its inner
//                            message decrypted (libolm: create_inbound_session
//                            then olm_decrypt)
//   BM_olm_encrypt           one normal message on an established session
//   BM_olm_decrypt           one normal message, in order, same chain
//
// Both sides take and give messages as libolm's API does, in unpadded
// base64 (e2ekit's rows include that codec). libolm is handed random bytes
// from a buffer; e2ekit draws from a ChaCha20 source. Neither side stores
// anything (libolm pickles only when asked). 256-byte plaintexts.
// Run: bench_olm --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <e2ekit/codec/base64.hpp>
#include <e2ekit/protocols/olm.hpp>

#include <benchmark/benchmark.h>

#include <olm/olm.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace e2ekit;
namespace olm = e2ekit::protocols::olm;
using b64 = codec::base64::standard_unpadded;

const std::string plaintext(256, 'a');

void require(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(what);
}

// ---- libolm ------------------------------------------------------------------

std::vector<std::uint8_t> random_buffer(std::size_t n) {
    std::vector<std::uint8_t> r(n);
    testing::deterministic_random rng(99);
    rng.fill({reinterpret_cast<byte*>(r.data()), r.size()});
    return r;
}

struct l_account {
    std::vector<std::uint8_t> mem = std::vector<std::uint8_t>(olm_account_size());
    OlmAccount* a = olm_account(mem.data());
    l_account() {
        auto r = random_buffer(olm_create_account_random_length(a));
        require(olm_create_account(a, r.data(), r.size()) != olm_error(), "create account");
    }
    std::string curve25519() {
        std::string keys(olm_account_identity_keys_length(a), '\0');
        olm_account_identity_keys(a, keys.data(), keys.size());
        auto at = keys.find("\"curve25519\":\"") + 14;
        return keys.substr(at, 43);
    }
    std::string one_time_key() {
        auto r = random_buffer(olm_account_generate_one_time_keys_random_length(a, 1));
        olm_account_generate_one_time_keys(a, 1, r.data(), r.size());
        std::string keys(olm_account_one_time_keys_length(a), '\0');
        olm_account_one_time_keys(a, keys.data(), keys.size());
        olm_account_mark_keys_as_published(a);
        auto at = keys.find("\":\"", keys.find("AAAA")) + 3;
        return keys.substr(at, 43);
    }
};

struct l_session {
    std::vector<std::uint8_t> mem = std::vector<std::uint8_t>(olm_session_size());
    OlmSession* s = olm_session(mem.data());
    void reset() { s = olm_session(mem.data()); }
};

// ---- e2ekit ------------------------------------------------------------------

void BM_olm_account_create_e2ekit(benchmark::State& st) {
    testing::deterministic_random rng(1);
    for (auto _ : st) {
        auto a = olm::account::create(rng);
        benchmark::DoNotOptimize(a.curve25519_key());
    }
}
BENCHMARK(BM_olm_account_create_e2ekit)->Name("BM_olm_account_create/e2ekit");

void BM_olm_account_create_libolm(benchmark::State& st) {
    std::vector<std::uint8_t> mem(olm_account_size());
    auto r = random_buffer(olm_create_account_random_length(olm_account(mem.data())));
    for (auto _ : st) {
        OlmAccount* a = olm_account(mem.data());
        require(olm_create_account(a, r.data(), r.size()) != olm_error(), "create");
        benchmark::ClobberMemory();
    }
}
BENCHMARK(BM_olm_account_create_libolm)->Name("BM_olm_account_create/libolm");

void BM_olm_outbound_session_e2ekit(benchmark::State& st) {
    testing::deterministic_random rng(2);
    auto alice = olm::account::create(rng);
    auto bob = olm::account::create(rng);
    bob.generate_one_time_keys(1, rng);
    // As a client gets them: unpadded base64 from the key server.
    const std::string ik = codec::base64::encode<b64>(bob.curve25519_key());
    const std::string otk = codec::base64::encode<b64>(bob.one_time_keys().front().key);
    for (auto _ : st) {
        auto i = codec::base64::decode_array<32, b64>(ik);
        auto o = codec::base64::decode_array<32, b64>(otk);
        auto s = alice.create_outbound(*i, *o, rng);
        benchmark::DoNotOptimize(s->alice_base_key);
    }
}
BENCHMARK(BM_olm_outbound_session_e2ekit)->Name("BM_olm_outbound_session/e2ekit");

void BM_olm_outbound_session_libolm(benchmark::State& st) {
    l_account alice, bob;
    const std::string ik = bob.curve25519();
    const std::string otk = bob.one_time_key();
    l_session s;
    auto r = random_buffer(olm_create_outbound_session_random_length(s.s));
    for (auto _ : st) {
        s.reset();
        require(olm_create_outbound_session(s.s, alice.a, ik.data(), ik.size(), otk.data(),
                                            otk.size(), r.data(), r.size()) != olm_error(),
                "outbound");
        benchmark::ClobberMemory();
    }
}
BENCHMARK(BM_olm_outbound_session_libolm)->Name("BM_olm_outbound_session/libolm");

void BM_olm_inbound_session_e2ekit(benchmark::State& st) {
    testing::deterministic_random rng(3);
    auto alice = olm::account::create(rng);
    auto bob = olm::account::create(rng);
    bob.generate_one_time_keys(50, rng); // a typical account holds a few dozen
    auto s = alice.create_outbound(bob.curve25519_key(), bob.one_time_keys().front().key, rng);
    auto m = std::move(*olm::encrypt(*s, as_bytes(plaintext), rng)).release();
    const std::string body = codec::base64::encode<b64>(m.body);
    for (auto _ : st) {
        auto wire = codec::base64::decode<b64>(body);
        auto in = bob.create_inbound(*wire);
        benchmark::DoNotOptimize(in->state().session.received_message);
    }
}
BENCHMARK(BM_olm_inbound_session_e2ekit)->Name("BM_olm_inbound_session/e2ekit");

void BM_olm_inbound_session_libolm(benchmark::State& st) {
    l_account alice, bob;
    auto r = random_buffer(olm_account_generate_one_time_keys_random_length(bob.a, 49));
    olm_account_generate_one_time_keys(bob.a, 49, r.data(), r.size());
    const std::string ik = bob.curve25519();
    const std::string otk = bob.one_time_key();
    l_session out;
    auto rr = random_buffer(olm_create_outbound_session_random_length(out.s));
    olm_create_outbound_session(out.s, alice.a, ik.data(), ik.size(), otk.data(), otk.size(),
                                rr.data(), rr.size());
    std::string body(olm_encrypt_message_length(out.s, plaintext.size()), '\0');
    auto er = random_buffer(olm_encrypt_random_length(out.s));
    olm_encrypt(out.s, plaintext.data(), plaintext.size(), er.data(), er.size(), body.data(),
                body.size());
    l_session in;
    std::string copy, pt(plaintext.size() + 32, '\0');
    for (auto _ : st) {
        in.reset();
        copy = body;
        require(olm_create_inbound_session(in.s, bob.a, copy.data(), copy.size()) != olm_error(),
                "inbound");
        copy = body;
        require(olm_decrypt(in.s, 0, copy.data(), copy.size(), pt.data(), pt.size()) != olm_error(),
                "decrypt");
        benchmark::ClobberMemory();
    }
}
BENCHMARK(BM_olm_inbound_session_libolm)->Name("BM_olm_inbound_session/libolm");

/// Two e2ekit sessions past the pre-key stage: Alice sends normal messages.
struct e2_pair {
    testing::deterministic_random rng{4};
    olm::session_state a, b;
    e2_pair() {
        auto alice = olm::account::create(rng);
        auto bob = olm::account::create(rng);
        bob.generate_one_time_keys(1, rng);
        a = std::move(
            *alice.create_outbound(bob.curve25519_key(), bob.one_time_keys().front().key, rng));
        auto m = std::move(*olm::encrypt(a, as_bytes(plaintext), rng)).split();
        a = std::move(m.first);
        auto in = bob.create_inbound(m.second.body);
        b = std::move(*in).take_state().session;
        auto reply = std::move(*olm::encrypt(b, as_bytes(plaintext), rng)).split();
        b = std::move(reply.first);
        a = std::move(*olm::decrypt(a, reply.second.type, reply.second.body)).take_state();
    }
};

void BM_olm_encrypt_e2ekit(benchmark::State& st) {
    e2_pair p;
    for (auto _ : st) {
        auto step = olm::encrypt(p.a, as_bytes(plaintext), p.rng);
        auto [next, out] = std::move(*step).split();
        p.a = std::move(next);
        std::string body = codec::base64::encode<b64>(out.body);
        benchmark::DoNotOptimize(body.data());
    }
}
BENCHMARK(BM_olm_encrypt_e2ekit)->Name("BM_olm_encrypt/e2ekit");

/// Two libolm sessions past the pre-key stage.
struct l_pair {
    l_account alice, bob;
    l_session a, b;
    l_pair() {
        const std::string ik = bob.curve25519();
        const std::string otk = bob.one_time_key();
        auto r = random_buffer(64);
        olm_create_outbound_session(a.s, alice.a, ik.data(), ik.size(), otk.data(), otk.size(),
                                    r.data(), r.size());
        std::string m = encrypt(a);
        std::string copy = m;
        olm_create_inbound_session(b.s, bob.a, copy.data(), copy.size());
        decrypt(b, 0, m);
        std::string reply = encrypt(b);
        decrypt(a, 1, reply);
    }
    static std::string encrypt(l_session& s) {
        std::string out(olm_encrypt_message_length(s.s, plaintext.size()), '\0');
        static auto r = random_buffer(32);
        require(olm_encrypt(s.s, plaintext.data(), plaintext.size(), r.data(), r.size(), out.data(),
                            out.size()) != olm_error(),
                "encrypt");
        return out;
    }
    static void decrypt(l_session& s, std::size_t type, std::string m) {
        std::string pt(m.size(), '\0');
        require(olm_decrypt(s.s, type, m.data(), m.size(), pt.data(), pt.size()) != olm_error(),
                "decrypt");
    }
};

void BM_olm_encrypt_libolm(benchmark::State& st) {
    l_pair p;
    // Random bytes are used only when the ratchet turns (the first message).
    auto r = random_buffer(32);
    std::string out(olm_encrypt_message_length(p.a.s, plaintext.size()) + 16, '\0');
    for (auto _ : st) {
        require(olm_encrypt(p.a.s, plaintext.data(), plaintext.size(), r.data(), r.size(),
                            out.data(), out.size()) != olm_error(),
                "encrypt");
        benchmark::DoNotOptimize(out.data());
    }
}
BENCHMARK(BM_olm_encrypt_libolm)->Name("BM_olm_encrypt/libolm");

constexpr std::size_t batch = 4096;

void BM_olm_decrypt_e2ekit(benchmark::State& st) {
    e2_pair p;
    std::vector<std::string> msgs;
    std::size_t next = batch;
    for (auto _ : st) {
        if (next == batch) {
            st.PauseTiming();
            msgs.clear();
            for (std::size_t i = 0; i < batch; ++i) {
                auto [s, out] = std::move(*olm::encrypt(p.a, as_bytes(plaintext), p.rng)).split();
                p.a = std::move(s);
                msgs.push_back(codec::base64::encode<b64>(out.body));
            }
            next = 0;
            st.ResumeTiming();
        }
        auto wire = codec::base64::decode<b64>(msgs[next++]);
        auto step = olm::decrypt(p.b, olm::message_type::normal, *wire);
        auto [s, pt] = std::move(*step).split();
        p.b = std::move(s);
        benchmark::DoNotOptimize(pt.view().data());
    }
}
BENCHMARK(BM_olm_decrypt_e2ekit)->Name("BM_olm_decrypt/e2ekit");

void BM_olm_decrypt_libolm(benchmark::State& st) {
    l_pair p;
    std::vector<std::string> msgs;
    std::size_t next = batch;
    std::string copy, pt(plaintext.size() + 32, '\0');
    for (auto _ : st) {
        if (next == batch) {
            st.PauseTiming();
            msgs.clear();
            for (std::size_t i = 0; i < batch; ++i)
                msgs.push_back(l_pair::encrypt(p.a));
            next = 0;
            st.ResumeTiming();
        }
        copy = msgs[next++];
        require(olm_decrypt(p.b.s, 1, copy.data(), copy.size(), pt.data(), pt.size()) !=
                    olm_error(),
                "decrypt");
        benchmark::DoNotOptimize(pt.data());
    }
}
BENCHMARK(BM_olm_decrypt_libolm)->Name("BM_olm_decrypt/libolm");

} // namespace
