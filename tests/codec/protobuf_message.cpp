#include <e2ekit/codec/protobuf_message.hpp>

#include <catch2/catch.hpp>

#include <tests/support/codec_messages.hpp>
#include <tests/support/vectors.hpp>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

using namespace e2ekit;
using e2ekit::codec::decode_error;
using e2ekit::test::unhex;
namespace pb = e2ekit::codec::protobuf;

namespace wire {
using test::sample::pre_key_signal_message;
using test::sample::signal_message;

// Nesting, repetition and the remaining kinds.
struct envelope {
    std::uint64_t id = 0;
    std::optional<signal_message> inner;
    std::vector<bytes> keys;
    std::vector<signal_message> items;
    std::optional<bool> flag;
    std::optional<std::string> note;
    std::vector<std::uint32_t> counters;
    friend bool operator==(const envelope&, const envelope&) = default;
    friend constexpr auto describe(codec::tag<envelope>) {
        using namespace codec;
        return fields(required<1, kind::uint64>("id", &envelope::id),
                      field<2, kind::message>("inner", &envelope::inner),
                      field<3, kind::repeated<kind::bytes>>("keys", &envelope::keys),
                      field<4, kind::repeated<kind::message>>("items", &envelope::items),
                      field<5, kind::boolean>("flag", &envelope::flag),
                      field<7, kind::string>("note", &envelope::note),
                      field<300, kind::repeated<kind::uint32>>("counters", &envelope::counters));
    }
};

// A recursive type: only the depth bound stops its decoder.
struct node {
    std::vector<node> children;
    friend bool operator==(const node&, const node&) = default;
    friend constexpr auto describe(codec::tag<node>) {
        using namespace codec;
        return fields(field<1, kind::repeated<kind::message>>("children", &node::children));
    }
};

struct json_only {
    std::string name;
    friend constexpr auto describe(codec::tag<json_only>) {
        using namespace codec;
        return fields(field<0, kind::string>("name", &json_only::name));
    }
};
} // namespace wire

static_assert(pb::message<wire::signal_message>);
static_assert(pb::message<wire::envelope>);
static_assert(!pb::message<wire::json_only>);

TEST_CASE("protobuf message: SignalMessage layout", "[codec][protobuf]") {
    wire::signal_message m{bytes(33, 5), 1, 0, unhex("c0ffee")};
    const auto b = pb::encode(m);
    // 0a 21 <key> 10 01 18 00 22 03 c0ffee: number order, plain fields always written.
    CHECK(test::tohex(b) == "0a21" + test::tohex(bytes(33, 5)) +
                                "1001"
                                "1800"
                                "2203c0ffee");
    CHECK(pb::encoded_size(m) == b.size());
    auto back = pb::decode<wire::signal_message>(b);
    REQUIRE(back);
    CHECK(*back == m);

    // Field order on the wire does not matter to the reader; unknown fields are skipped.
    auto shuffled = pb::decode<wire::signal_message>(unhex("2203c0ffee"
                                                           "1800"
                                                           "4a0201ff"
                                                           "1001"
                                                           "0a01aa"
                                                           "b0ea0101"));
    REQUIRE(shuffled);
    CHECK(shuffled->ratchet_key == bytes{0xaa});
    CHECK(shuffled->counter == 1);
}

TEST_CASE("protobuf message: rejects what it must", "[codec][protobuf]") {
    using M = wire::signal_message;
    CHECK(pb::decode<M>(unhex("1001"
                              "2200"))
              .error() == decode_error::missing_field);
    CHECK(pb::decode<M>(unhex("0a00"
                              "2200"))
              .error() == decode_error::missing_field);
    CHECK(pb::decode<M>(unhex("0a00"
                              "1001"
                              "2200"))); // previousCounter is not required
    CHECK(pb::decode<M>(unhex("0a00"
                              "1001"
                              "1002"
                              "2200"))
              .error() == decode_error::duplicate_field);
    CHECK(pb::decode<M>(unhex("0a00"
                              "1201"
                              "00"
                              "2200"))
              .error() == decode_error::unexpected_type);
    CHECK(pb::decode<M>(unhex("0801"
                              "1001"
                              "2200"))
              .error() == decode_error::unexpected_type);
    CHECK(pb::decode<M>(unhex("0a00"
                              "108080808010"
                              "2200"))
              .error() == decode_error::out_of_range);
    CHECK(pb::decode<M>(unhex("0a00"
                              "10ffffffffffffffffff02"))
              .error() == decode_error::bad_varint);
    CHECK(pb::decode<M>(unhex("0a05aa")).error() == decode_error::truncated);
    CHECK(pb::decode<M>(unhex("0a00"
                              "1001"
                              "2200"
                              "ff"))
              .error() == decode_error::truncated);

    using P = wire::pre_key_signal_message;
    const bytes key(33, 1);
    P p;
    std::copy(key.begin(), key.end(), p.base_key.begin());
    p.identity_key = p.base_key;
    p.message = unhex("33");
    auto enc = pb::encode(p);
    CHECK(pb::decode<P>(enc).value() == p);
    // A 32-byte base key in a 33-byte slot.
    enc[1] = 32;
    enc.erase(enc.begin() + 2);
    CHECK(pb::decode<P>(enc).error() == decode_error::bad_length);

    using E = wire::envelope;
    CHECK(pb::decode<E>(unhex("0801"
                              "2801"))
              .value()
              .flag == true);
    CHECK(pb::decode<E>(unhex("0801"
                              "2802"))
              .error() == decode_error::out_of_range);
    CHECK(pb::decode<E>(unhex("0801"
                              "1203"
                              "0a01aa"))
              .error() == decode_error::missing_field);
    CHECK(pb::decode<E>(unhex("0801"
                              "e01205"))
              .value()
              .counters == std::vector<std::uint32_t>{5});
    // Packed repeated scalars are not read (proto2 writes them unpacked).
    CHECK(pb::decode<E>(unhex("0801"
                              "e2120105"))
              .error() == decode_error::unexpected_type);
}

TEST_CASE("protobuf message: nesting is bounded", "[codec][protobuf]") {
    wire::node n;
    wire::node* p = &n;
    for (int i = 0; i < 40; ++i)
        p = &p->children.emplace_back();
    const auto b = pb::encode(n);
    CHECK(pb::decode<wire::node>(b).error() == decode_error::too_deep);
    CHECK(pb::decode<wire::node>(b).error() == e2ekit::condition::limit_exceeded);
    CHECK(pb::decode<wire::node>(b, 41).value() == n);

    // A hostile depth bomb: 0a 00 wrapped 10,000 times, never recursed into.
    bytes bomb;
    for (int i = 0; i < 10000; ++i) {
        bytes outer{0x0a};
        bytes len;
        pb::writer w{pb::vector_sink(len)};
        w.put_varint(bomb.size());
        outer.insert(outer.end(), len.begin(), len.end());
        outer.insert(outer.end(), bomb.begin(), bomb.end());
        bomb = std::move(outer);
    }
    CHECK(pb::decode<wire::node>(bomb).error() == decode_error::too_deep);
}

TEST_CASE("protobuf message: encode_to writes into a caller's buffer", "[codec][protobuf]") {
    wire::envelope e;
    e.id = 300;
    e.inner = wire::signal_message{bytes(3, 1), 2, 3, bytes(4, 4)};
    e.keys = {bytes{}, bytes{1, 2}};
    e.note = "hi";
    byte_array<128> buf{};
    const auto n = pb::encoded_size(e);
    auto written = pb::encode_to(buf, e);
    CHECK(written.size() == n);
    CHECK(written.data() == buf.data());
    CHECK(equal_public(written, pb::encode(e)));
    CHECK(pb::decode<wire::envelope>(written).value() == e);
    CHECK_THROWS_AS(pb::encode_to(mutable_bytes_view(buf).first(n - 1), e), std::length_error);
}

namespace {
std::string run(const std::string& cmd) {
    std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
    if (!p) return {};
    std::string out;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p.get())) > 0;)
        out.append(buf, n);
    return out;
}

template <class T>
void put_u32(const nlohmann::json& j, const char* k, T& out) {
    if (j.contains(k)) out = j.at(k).get<std::uint32_t>();
}

wire::signal_message signal_from(const nlohmann::json& j) {
    return {unhex(j.at("ratchetKey")), j.at("counter"), j.at("previousCounter"),
            unhex(j.at("ciphertext"))};
}
} // namespace

TEST_CASE("protobuf message: byte-exact with Google's protobuf runtime",
          "[codec][protobuf][peer]") {
    const std::string out = run("/usr/bin/python3 " E2EKIT_SOURCE_DIR
                                "/tests/codec/peers/protobuf_peer.py 7 300 2>/dev/null");
    if (out.empty()) {
        WARN("skipped: /usr/bin/python3 with python3-protobuf is not available");
        return;
    }
    std::size_t n = 0, start = 0;
    for (std::size_t end; (end = out.find('\n', start)) != std::string::npos; start = end + 1) {
        const auto j = nlohmann::json::parse(out.substr(start, end - start));
        const auto wire_bytes = unhex(j.at("wire"));
        const auto& f = j.at("fields");
        INFO(j.dump());
        if (j.at("type") == "SignalMessage") {
            const auto m = signal_from(f);
            CHECK(pb::encode(m) == wire_bytes);
            CHECK(pb::decode<wire::signal_message>(wire_bytes).value() == m);
        } else if (j.at("type") == "PreKeySignalMessage") {
            wire::pre_key_signal_message m;
            put_u32(f, "preKeyId", m.pre_key_id);
            const auto bk = unhex(f.at("baseKey")), ik = unhex(f.at("identityKey"));
            std::copy(bk.begin(), bk.end(), m.base_key.begin());
            std::copy(ik.begin(), ik.end(), m.identity_key.begin());
            m.message = unhex(f.at("message"));
            put_u32(f, "registrationId", m.registration_id);
            put_u32(f, "signedPreKeyId", m.signed_pre_key_id);
            CHECK(pb::encode(m) == wire_bytes);
            CHECK(pb::decode<wire::pre_key_signal_message>(wire_bytes).value() == m);
        } else {
            wire::envelope m;
            m.id = f.at("id");
            if (f.contains("inner")) m.inner = signal_from(f.at("inner"));
            for (const auto& k : f.at("keys"))
                m.keys.push_back(unhex(k));
            for (const auto& i : f.at("items"))
                m.items.push_back(signal_from(i));
            if (f.contains("flag")) m.flag = f.at("flag").get<bool>();
            if (f.contains("note")) m.note = f.at("note").get<std::string>();
            for (const auto& c : f.at("counters"))
                m.counters.push_back(c);
            CHECK(pb::encode(m) == wire_bytes);
            CHECK(pb::decode<wire::envelope>(wire_bytes).value() == m);
        }
        ++n;
    }
    CHECK(n == 300);
}
