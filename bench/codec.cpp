// The codec layer beside the library call it wraps, in pairs named
// BM_<op>/e2ekit and BM_<op>/<library>. Run: bench_codec
// --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <e2ekit/codec/base64.hpp>
#include <e2ekit/codec/hex.hpp>
#include <e2ekit/codec/json.hpp>
#include <e2ekit/codec/protobuf_message.hpp>
#include <e2ekit/core/random.hpp>

#include <benchmark/benchmark.h>
#include <protozero/pbf_reader.hpp>
#include <protozero/pbf_writer.hpp>
#include <sodium.h>

#include <string>

using namespace e2ekit;
namespace pb = e2ekit::codec::protobuf;
namespace b64 = e2ekit::codec::base64;

namespace {

bytes data_1k() {
    bytes b(1024);
    testing::deterministic_random r(7);
    r.fill(b);
    return b;
}

// ---- base64 and hex, 1 KiB ------------------------------------------------

void base64_encode_e2ekit(benchmark::State& st) {
    const auto in = data_1k();
    for (auto _ : st)
        benchmark::DoNotOptimize(b64::encode(in));
    st.SetBytesProcessed(st.iterations() * 1024);
}

void base64_encode_libsodium(benchmark::State& st) {
    const auto in = data_1k();
    for (auto _ : st) {
        std::string out(sodium_base64_ENCODED_LEN(in.size(), sodium_base64_VARIANT_ORIGINAL), 0);
        sodium_bin2base64(out.data(), out.size(), in.data(), in.size(),
                          sodium_base64_VARIANT_ORIGINAL);
        out.pop_back();
        benchmark::DoNotOptimize(out);
    }
    st.SetBytesProcessed(st.iterations() * 1024);
}

void base64_decode_e2ekit(benchmark::State& st) {
    const auto text = b64::encode(data_1k());
    for (auto _ : st)
        benchmark::DoNotOptimize(b64::decode(text));
    st.SetBytesProcessed(st.iterations() * 1024);
}

void base64_decode_libsodium(benchmark::State& st) {
    const auto text = b64::encode(data_1k());
    for (auto _ : st) {
        bytes out(text.size() / 4 * 3);
        std::size_t n = 0;
        if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &n,
                              nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
            st.SkipWithError("decode failed");
        out.resize(n);
        benchmark::DoNotOptimize(out);
    }
    st.SetBytesProcessed(st.iterations() * 1024);
}

void base64_decode_secret32_e2ekit(benchmark::State& st) {
    const auto text = b64::encode<b64::standard_unpadded>(bytes(32, 0x5a));
    for (auto _ : st)
        benchmark::DoNotOptimize(b64::decode_secret<32, void, b64::standard_unpadded>(text));
}

void base64_decode_secret32_libsodium(benchmark::State& st) {
    const auto text = b64::encode<b64::standard_unpadded>(bytes(32, 0x5a));
    for (auto _ : st) {
        byte_array<32> out;
        std::size_t n = 0;
        sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &n, nullptr,
                          sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
        benchmark::DoNotOptimize(out);
        sodium_memzero(out.data(), out.size());
    }
}

void hex_encode_e2ekit(benchmark::State& st) {
    const auto in = data_1k();
    for (auto _ : st)
        benchmark::DoNotOptimize(codec::hex::encode(in));
    st.SetBytesProcessed(st.iterations() * 1024);
}

void hex_encode_libsodium(benchmark::State& st) {
    const auto in = data_1k();
    for (auto _ : st) {
        std::string out(in.size() * 2 + 1, 0);
        sodium_bin2hex(out.data(), out.size(), in.data(), in.size());
        out.pop_back();
        benchmark::DoNotOptimize(out);
    }
    st.SetBytesProcessed(st.iterations() * 1024);
}

void hex_decode_e2ekit(benchmark::State& st) {
    const auto text = codec::hex::encode(data_1k());
    for (auto _ : st)
        benchmark::DoNotOptimize(codec::hex::decode(text));
    st.SetBytesProcessed(st.iterations() * 1024);
}

void hex_decode_libsodium(benchmark::State& st) {
    const auto text = codec::hex::encode(data_1k());
    for (auto _ : st) {
        bytes out(text.size() / 2);
        std::size_t n = 0;
        sodium_hex2bin(out.data(), out.size(), text.data(), text.size(), nullptr, &n, nullptr);
        benchmark::DoNotOptimize(out);
    }
    st.SetBytesProcessed(st.iterations() * 1024);
}

// ---- protobuf: a SignalMessage-like struct --------------------------------

struct signal_message {
    bytes ratchet_key;
    std::uint32_t counter = 0;
    std::uint32_t previous_counter = 0;
    bytes ciphertext;
    friend constexpr auto describe(codec::tag<signal_message>) {
        using namespace codec;
        using M = signal_message;
        return fields(required<1, kind::bytes>("ratchetKey", &M::ratchet_key),
                      required<2, kind::uint32>("counter", &M::counter),
                      field<3, kind::uint32>("previousCounter", &M::previous_counter),
                      required<4, kind::bytes>("ciphertext", &M::ciphertext));
    }
};

signal_message sample_message() {
    return {bytes(33, 5), 1234, 987, bytes(160, 0xc3)};
}

std::string protozero_encode(const signal_message& m) {
    std::string out;
    protozero::pbf_writer w(out);
    w.add_bytes(1, reinterpret_cast<const char*>(m.ratchet_key.data()), m.ratchet_key.size());
    w.add_uint32(2, m.counter);
    w.add_uint32(3, m.previous_counter);
    w.add_bytes(4, reinterpret_cast<const char*>(m.ciphertext.data()), m.ciphertext.size());
    return out;
}

void protobuf_encode_e2ekit(benchmark::State& st) {
    const auto m = sample_message();
    for (auto _ : st)
        benchmark::DoNotOptimize(pb::encode(m));
}

void protobuf_encode_to_e2ekit(benchmark::State& st) {
    const auto m = sample_message();
    byte_array<256> buf;
    for (auto _ : st) {
        auto w = pb::encode_to(buf, m);
        benchmark::DoNotOptimize(w.data());
        benchmark::ClobberMemory();
    }
}

void protobuf_encode_protozero(benchmark::State& st) {
    const auto m = sample_message();
    for (auto _ : st)
        benchmark::DoNotOptimize(protozero_encode(m));
}

void protobuf_decode_e2ekit(benchmark::State& st) {
    const auto wire = pb::encode(sample_message());
    for (auto _ : st)
        benchmark::DoNotOptimize(pb::decode<signal_message>(wire));
}

// What a careful hand-written reader does: the same fields, wire types and
// presence checks, protozero's exceptions caught.
void protobuf_decode_protozero(benchmark::State& st) {
    const auto wire = protozero_encode(sample_message());
    for (auto _ : st) {
        signal_message m;
        bool ok = true;
        unsigned seen = 0;
        try {
            protozero::pbf_reader r(wire);
            while (r.next()) {
                switch (r.tag_and_type()) {
                case protozero::tag_and_type(1, protozero::pbf_wire_type::length_delimited): {
                    const auto v = r.get_view();
                    m.ratchet_key.assign(v.data(), v.data() + v.size());
                    seen |= 1;
                    break;
                }
                case protozero::tag_and_type(2, protozero::pbf_wire_type::varint):
                    m.counter = r.get_uint32();
                    seen |= 2;
                    break;
                case protozero::tag_and_type(3, protozero::pbf_wire_type::varint):
                    m.previous_counter = r.get_uint32();
                    break;
                case protozero::tag_and_type(4, protozero::pbf_wire_type::length_delimited): {
                    const auto v = r.get_view();
                    m.ciphertext.assign(v.data(), v.data() + v.size());
                    seen |= 4;
                    break;
                }
                default: r.skip();
                }
            }
        } catch (const protozero::exception&) {
            ok = false;
        }
        benchmark::DoNotOptimize(ok && seen == 7);
        benchmark::DoNotOptimize(m);
    }
}

// ---- canonical JSON of a device_keys-like object --------------------------

nlohmann::json device_keys() {
    const std::string key = b64::encode<b64::standard_unpadded>(bytes(32, 0x42));
    const std::string sig = b64::encode<b64::standard_unpadded>(bytes(64, 0x17));
    return {
        {"user_id", "@alice:example.org"},
        {"device_id", "JLAFKJWSCS"},
        {"algorithms", {"m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"}},
        {"keys", {{"curve25519:JLAFKJWSCS", key}, {"ed25519:JLAFKJWSCS", key}}},
        {"signatures", {{"@alice:example.org", {{"ed25519:JLAFKJWSCS", sig}}}}},
        {"unsigned", {{"device_display_name", "Alice's phone \xe2\x98\x8e"}}},
    };
}

void canonical_json_e2ekit(benchmark::State& st) {
    const auto doc = device_keys();
    for (auto _ : st)
        benchmark::DoNotOptimize(codec::json::canonical(doc));
}

// nlohmann's compact dump writes the same bytes for this object (sorted
// std::map keys, UTF-8 kept) but checks neither numbers nor depth.
void canonical_json_nlohmann(benchmark::State& st) {
    const auto doc = device_keys();
    for (auto _ : st)
        benchmark::DoNotOptimize(doc.dump(-1, ' ', false));
}

void canonicalize_text_e2ekit(benchmark::State& st) {
    const auto text = device_keys().dump(4);
    for (auto _ : st)
        benchmark::DoNotOptimize(codec::json::canonicalize(text));
}

void canonicalize_text_nlohmann(benchmark::State& st) {
    const auto text = device_keys().dump(4);
    for (auto _ : st)
        benchmark::DoNotOptimize(nlohmann::json::parse(text, nullptr, false).dump(-1, ' ', false));
}

} // namespace

BENCHMARK(base64_encode_e2ekit)->Name("BM_base64_encode_1k/e2ekit");
BENCHMARK(base64_encode_libsodium)->Name("BM_base64_encode_1k/libsodium");
BENCHMARK(base64_decode_e2ekit)->Name("BM_base64_decode_1k/e2ekit");
BENCHMARK(base64_decode_libsodium)->Name("BM_base64_decode_1k/libsodium");
BENCHMARK(base64_decode_secret32_e2ekit)->Name("BM_base64_decode_secret32/e2ekit");
BENCHMARK(base64_decode_secret32_libsodium)->Name("BM_base64_decode_secret32/libsodium");
BENCHMARK(hex_encode_e2ekit)->Name("BM_hex_encode_1k/e2ekit");
BENCHMARK(hex_encode_libsodium)->Name("BM_hex_encode_1k/libsodium");
BENCHMARK(hex_decode_e2ekit)->Name("BM_hex_decode_1k/e2ekit");
BENCHMARK(hex_decode_libsodium)->Name("BM_hex_decode_1k/libsodium");
BENCHMARK(protobuf_encode_e2ekit)->Name("BM_signal_message_encode/e2ekit");
BENCHMARK(protobuf_encode_to_e2ekit)->Name("BM_signal_message_encode/e2ekit_encode_to");
BENCHMARK(protobuf_encode_protozero)->Name("BM_signal_message_encode/protozero");
BENCHMARK(protobuf_decode_e2ekit)->Name("BM_signal_message_decode/e2ekit");
BENCHMARK(protobuf_decode_protozero)->Name("BM_signal_message_decode/protozero");
BENCHMARK(canonical_json_e2ekit)->Name("BM_canonical_json_device_keys/e2ekit");
BENCHMARK(canonical_json_nlohmann)->Name("BM_canonical_json_device_keys/nlohmann_dump");
BENCHMARK(canonicalize_text_e2ekit)->Name("BM_canonicalize_text_device_keys/e2ekit");
BENCHMARK(canonicalize_text_nlohmann)->Name("BM_canonicalize_text_device_keys/nlohmann");
