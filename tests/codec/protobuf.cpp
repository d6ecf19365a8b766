#include <e2ekit/codec/protobuf.hpp>

#include <catch2/catch.hpp>

#include <tests/support/vectors.hpp>

#include <vector>

using namespace e2ekit;
using namespace e2ekit::codec;
using e2ekit::test::unhex;

namespace {
struct read_all {
    std::vector<protobuf::field> fields;
    std::error_code error;
};

read_all read(const bytes& b) {
    read_all out;
    protobuf::reader r(b);
    protobuf::field f;
    for (;;) {
        auto more = r.next(f);
        if (!more) {
            out.error = more.error();
            // Sticky: the reader keeps reporting the same error.
            auto again = r.next(f);
            CHECK(again.error() == out.error);
            return out;
        }
        if (!*more) return out;
        out.fields.push_back(f);
    }
}
} // namespace

TEST_CASE("protobuf: the examples of the encoding guide", "[codec][protobuf]") {
    // protobuf.dev "Encoding": field 1 = 150 is 08 96 01; field 2 = "testing"
    // is 12 07 74 65 73 74 69 6e 67; an embedded message {1: 150} at field 3
    // is 1a 03 08 96 01.
    bytes out;
    protobuf::writer w{protobuf::vector_sink(out)};
    w.add_uint32(1, 150).add_string(2, "testing").add_message(3, unhex("089601"));
    CHECK(out == unhex("089601120774657374696e671a03089601"));

    auto all = read(out);
    REQUIRE_FALSE(all.error);
    REQUIRE(all.fields.size() == 3);
    CHECK(all.fields[0].number == 1);
    CHECK(*all.fields[0].as_uint32() == 150);
    CHECK(as_chars(*all.fields[1].as_bytes()) == "testing");
    CHECK(all.fields[2].number == 3);
    CHECK(equal_public(*all.fields[2].as_bytes(), unhex("089601")));
    CHECK(all.fields[0].as_bytes().error() == decode_error::unexpected_type);
    CHECK(all.fields[1].as_uint64().error() == decode_error::unexpected_type);
}

TEST_CASE("protobuf: fixed-width fields, bools and wide varints", "[codec][protobuf]") {
    bytes out;
    protobuf::writer w{protobuf::vector_sink(out)};
    w.add_fixed32(1, 0x01020304).add_fixed64(2, 0x0102030405060708).add_bool(3, true);
    w.add_uint64(4, ~std::uint64_t{0}).add_uint64(536870911, 1);
    CHECK(out == unhex("0d04030201"
                       "110807060504030201"
                       "1801"
                       "20ffffffffffffffffff01"
                       "f8ffffff0f01"));
    auto all = read(out);
    REQUIRE(all.fields.size() == 5);
    CHECK(*all.fields[0].as_fixed32() == 0x01020304);
    CHECK(*all.fields[1].as_fixed64() == 0x0102030405060708);
    CHECK(*all.fields[2].as_bool());
    CHECK(*all.fields[3].as_uint64() == ~std::uint64_t{0});
    CHECK(all.fields[3].as_uint32().error() == decode_error::out_of_range);
    CHECK(all.fields[4].number == protobuf::max_field_number);
    CHECK(all.fields[0].as_uint32().error() == decode_error::unexpected_type);
    CHECK(read(unhex("1802")).fields[0].as_bool().error() == decode_error::out_of_range);
    CHECK_THROWS_AS(w.add_uint32(0, 1), std::invalid_argument);
    CHECK_THROWS_AS(w.add_uint32(protobuf::max_field_number + 1, 1), std::invalid_argument);
}

TEST_CASE("protobuf: malformed input is a typed error, never a throw", "[codec][protobuf]") {
    const std::pair<const char*, decode_error> bad[] = {
        {"08", decode_error::truncated},                        // key without value
        {"0896", decode_error::truncated},                      // varint cut short
        {"88", decode_error::truncated},                        // key cut short
        {"0affffffffffffffffffff01", decode_error::bad_varint}, // 11-byte varint length
        {"08ffffffffffffffffff02", decode_error::bad_varint},   // 10th byte above 1
        {"08ffffffffffffffffffff01", decode_error::bad_varint}, // 11 bytes
        {"120548656c6c", decode_error::truncated},              // length past the end
        {"12ffffffff0f00", decode_error::truncated},            // 4 GiB length
        {"1280808080800100", decode_error::truncated},          // 2^32 length (protozero truncates)
        {"0d010203", decode_error::truncated},                  // fixed32 short
        {"09010203040506", decode_error::truncated},            // fixed64 short
        {"0001", decode_error::bad_tag},                        // field number 0
        {"0b", decode_error::bad_tag},                          // start group
        {"0c", decode_error::bad_tag},                          // end group
        {"0e", decode_error::bad_tag},                          // wire type 6
        {"0f", decode_error::bad_tag},                          // wire type 7
        {"808080801001", decode_error::bad_tag},                // key above 2^32 - 1
        {"8880808080800101", decode_error::bad_tag},            // key truncating to field 1
        {"c0b80901", decode_error::bad_tag},                    // field 19000 (reserved)
    };
    for (const auto& [h, e] : bad) {
        INFO(h);
        CHECK(read(unhex(h)).error == e);
    }
}

TEST_CASE("protobuf: lenient where protobuf is lenient", "[codec][protobuf]") {
    // A non-minimal varint still decodes; unknown fields are the caller's.
    auto all = read(unhex("088001"
                          "10ff7f"
                          "1880808080808080808001"));
    REQUIRE_FALSE(all.error);
    CHECK(*all.fields[0].as_uint64() == 128);
    CHECK(*all.fields[1].as_uint64() == 16383);
    CHECK(*all.fields[2].as_uint64() == (std::uint64_t{1} << 63));
    CHECK(read(unhex("08808000")).fields.at(0).value == 0);
    CHECK(read({}).fields.empty());
}

TEST_CASE("protobuf: span writer fills a caller's buffer exactly", "[codec][protobuf]") {
    byte buf[8];
    protobuf::span_writer w{protobuf::span_sink(buf)};
    w.open_message(3, 3).add_uint32(1, 150);
    CHECK(w.sink().used() == 5);
    CHECK(equal_public(w.sink().written(), unhex("1a03089601")));
    CHECK_THROWS_AS(w.add_bytes(2, bytes(2)), std::length_error);
    CHECK(protobuf::varint_size(0) == 1);
    CHECK(protobuf::varint_size(127) == 1);
    CHECK(protobuf::varint_size(128) == 2);
    CHECK(protobuf::varint_size(~std::uint64_t{0}) == 10);
    std::size_t pos = 0;
    CHECK(*protobuf::read_varint(unhex("ac02"), pos) == 300);
    CHECK(pos == 2);
}
