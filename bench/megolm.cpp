// Megolm, e2ekit beside libolm 3.2 in one binary (paired names, 256-byte
// plaintexts; libolm's API speaks base64, so its rows include it and e2ekit's
// include the same encoding):
//   BM_megolm_outbound_create    a new outbound session and its session key
//   BM_megolm_inbound_create     an inbound session from a session key
//   BM_megolm_encrypt            one message
//   BM_megolm_decrypt            the next message of a session being read in order
//   BM_megolm_decrypt_at_2^20    index 2^20 from a session imported at 0
// e2ekit's member keeps a prepared verifier per session, as a client keeps
// the session in memory.
// Run: bench_megolm --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <e2ekit/protocols/megolm/session.hpp>

#include <e2ekit/codec/base64.hpp>
#include <e2ekit/core/random.hpp>

#include <benchmark/benchmark.h>
#include <olm/inbound_group_session.h>
#include <olm/olm.h>
#include <olm/outbound_group_session.h>

#include <string>
#include <vector>

namespace {

using namespace e2ekit;
namespace mg = e2ekit::protocols::megolm;

const std::string plaintext(256, 'a');
testing::deterministic_random& rng() {
    static testing::deterministic_random r(7);
    return r;
}
std::string b64(bytes_view b) {
    return codec::base64::encode<codec::base64::standard_unpadded>(b);
}
bytes unb64(std::string_view s) {
    return codec::base64::decode<codec::base64::standard_unpadded>(s).value();
}
std::uint8_t* u8(std::string& s) {
    return reinterpret_cast<std::uint8_t*>(s.data());
}

// ---- libolm -------------------------------------------------------------------

struct olm_out {
    std::vector<std::uint8_t> mem = std::vector<std::uint8_t>(olm_outbound_group_session_size());
    OlmOutboundGroupSession* s = olm_outbound_group_session(mem.data());
    olm_out() {
        std::vector<std::uint8_t> r(olm_init_outbound_group_session_random_length(s));
        rng().fill(r);
        olm_init_outbound_group_session(s, r.data(), r.size());
    }
    std::string key() {
        std::string k(olm_outbound_group_session_key_length(s), '\0');
        olm_outbound_group_session_key(s, u8(k), k.size());
        return k;
    }
    std::string encrypt() {
        std::string pt = plaintext;
        std::string m(olm_group_encrypt_message_length(s, pt.size()), '\0');
        olm_group_encrypt(s, u8(pt), pt.size(), u8(m), m.size());
        return m;
    }
};

struct olm_in {
    std::vector<std::uint8_t> mem = std::vector<std::uint8_t>(olm_inbound_group_session_size());
    OlmInboundGroupSession* s = olm_inbound_group_session(mem.data());
    explicit olm_in(std::string key, bool import = false) {
        if (import)
            olm_import_inbound_group_session(s, u8(key), key.size());
        else
            olm_init_inbound_group_session(s, u8(key), key.size());
    }
    std::size_t decrypt(const std::string& m) {
        std::string a = m, b = m;
        const std::size_t max = olm_group_decrypt_max_plaintext_length(s, u8(a), a.size());
        std::string pt(max, '\0');
        std::uint32_t index = 0;
        return olm_group_decrypt(s, u8(b), b.size(), u8(pt), pt.size(), &index);
    }
};

void outbound_create_libolm(benchmark::State& st) {
    for (auto _ : st) {
        olm_out o;
        benchmark::DoNotOptimize(o.key());
    }
}
void inbound_create_libolm(benchmark::State& st) {
    olm_out o;
    const std::string k = o.key();
    for (auto _ : st) {
        olm_in i(k);
        benchmark::DoNotOptimize(i.s);
    }
}
void encrypt_libolm(benchmark::State& st) {
    olm_out o;
    for (auto _ : st)
        benchmark::DoNotOptimize(o.encrypt());
}
void decrypt_libolm(benchmark::State& st) {
    olm_out o;
    olm_in i(o.key());
    for (auto _ : st) {
        st.PauseTiming();
        const std::string m = o.encrypt();
        st.ResumeTiming();
        benchmark::DoNotOptimize(i.decrypt(m));
    }
}
void decrypt_far_libolm(benchmark::State& st) {
    // libolm's outbound session cannot jump ahead, so the message at 2^20
    // comes from an e2ekit session (the wire is the same), imported at 0.
    auto out = mg::create_outbound(rng());
    auto in0 = mg::create_inbound(mg::session_key(out).view()).value();
    const std::string exported = b64(mg::export_at(in0, 0).value().view());
    out.ratchet = mg::megolm_ratchet::advanced_to(out.ratchet, 1u << 20);
    const std::string far = b64(std::move(mg::encrypt(out, as_bytes(plaintext))).release());
    for (auto _ : st) {
        olm_in i(exported, true);
        benchmark::DoNotOptimize(i.decrypt(far));
    }
}

// ---- e2ekit --------------------------------------------------------------------

void outbound_create_e2ekit(benchmark::State& st) {
    for (auto _ : st) {
        auto o = mg::create_outbound(rng());
        benchmark::DoNotOptimize(b64(mg::session_key(o).view()));
    }
}
void inbound_create_e2ekit(benchmark::State& st) {
    auto o = mg::create_outbound(rng());
    const std::string k = b64(mg::session_key(o).view());
    for (auto _ : st)
        benchmark::DoNotOptimize(mg::create_inbound(unb64(k)));
}
void encrypt_e2ekit(benchmark::State& st) {
    auto o = mg::create_outbound(rng());
    for (auto _ : st) {
        auto [next, m] = mg::encrypt(o, as_bytes(plaintext)).split();
        o = std::move(next);
        benchmark::DoNotOptimize(b64(m));
    }
}
void decrypt_e2ekit(benchmark::State& st) {
    auto o = mg::create_outbound(rng());
    auto in = mg::create_inbound(mg::session_key(o).view()).value();
    const auto v = crypto::ed25519_verifier::prepare(in.signing_key).value();
    for (auto _ : st) {
        st.PauseTiming();
        auto [next, m] = mg::encrypt(o, as_bytes(plaintext)).split();
        o = std::move(next);
        const std::string wire = b64(m);
        st.ResumeTiming();
        auto [state, d] = mg::decrypt(in, v, unb64(wire)).value().split();
        in = std::move(state); // a client commits it; the next message reads on from it
        benchmark::DoNotOptimize(d);
    }
}

void decrypt_far_e2ekit(benchmark::State& st) {
    auto out = mg::create_outbound(rng());
    auto in0 = mg::create_inbound(mg::session_key(out).view()).value();
    const std::string exported = b64(mg::export_at(in0, 0).value().view());
    out.ratchet = mg::megolm_ratchet::advanced_to(out.ratchet, 1u << 20);
    const std::string far = b64(std::move(mg::encrypt(out, as_bytes(plaintext))).release());
    for (auto _ : st) {
        auto in = mg::create_inbound(unb64(exported)).value();
        benchmark::DoNotOptimize(mg::decrypt(in, unb64(far)));
    }
}

} // namespace

BENCHMARK(outbound_create_e2ekit)->Name("BM_megolm_outbound_create/e2ekit");
BENCHMARK(outbound_create_libolm)->Name("BM_megolm_outbound_create/libolm");
BENCHMARK(inbound_create_e2ekit)->Name("BM_megolm_inbound_create/e2ekit");
BENCHMARK(inbound_create_libolm)->Name("BM_megolm_inbound_create/libolm");
BENCHMARK(encrypt_e2ekit)->Name("BM_megolm_encrypt/e2ekit");
BENCHMARK(encrypt_libolm)->Name("BM_megolm_encrypt/libolm");
BENCHMARK(decrypt_e2ekit)->Name("BM_megolm_decrypt/e2ekit");
BENCHMARK(decrypt_libolm)->Name("BM_megolm_decrypt/libolm");
BENCHMARK(decrypt_far_e2ekit)->Name("BM_megolm_decrypt_at_2^20/e2ekit");
BENCHMARK(decrypt_far_libolm)->Name("BM_megolm_decrypt_at_2^20/libolm");
