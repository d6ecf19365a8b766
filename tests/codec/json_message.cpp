#include <e2ekit/codec/json_message.hpp>

#include <catch2/catch.hpp>

#include <optional>

using namespace e2ekit;
using e2ekit::codec::decode_error;
namespace json = e2ekit::codec::json;

namespace keys {
// Shaped like a Matrix device_keys object (client-server API,
// "Device keys"), minus the maps keyed by algorithm.
struct device_keys {
    std::string user_id;
    std::string device_id;
    std::vector<std::string> algorithms;
    byte_array<32> curve25519{};
    std::optional<std::uint32_t> version;
    std::optional<bool> verified;
    friend bool operator==(const device_keys&, const device_keys&) = default;
    friend constexpr auto describe(codec::tag<device_keys>) {
        using namespace codec;
        using D = device_keys;
        return fields(required<0, kind::string>("user_id", &D::user_id),
                      required<0, kind::string>("device_id", &D::device_id),
                      field<0, kind::repeated<kind::string>>("algorithms", &D::algorithms),
                      required<0, kind::bytes>("curve25519", &D::curve25519),
                      field<0, kind::uint32>("version", &D::version),
                      field<0, kind::boolean>("verified", &D::verified));
    }
};

struct upload {
    device_keys device;
    std::vector<bytes> one_time;
    std::uint64_t count = 0;
    friend bool operator==(const upload&, const upload&) = default;
    friend constexpr auto describe(codec::tag<upload>) {
        using namespace codec;
        return fields(required<0, kind::message>("device_keys", &upload::device),
                      field<0, kind::repeated<kind::bytes>>("one_time_keys", &upload::one_time),
                      field<0, kind::uint64>("count", &upload::count));
    }
};

struct clash {
    std::string a, b;
    friend constexpr auto describe(codec::tag<clash>) {
        using namespace codec;
        return fields(field<0, kind::string>("k", &clash::a),
                      field<0, kind::string>("k", &clash::b));
    }
};
} // namespace keys

static_assert(json::object<keys::device_keys>);
static_assert(!json::object<keys::clash>);

TEST_CASE("json message: encode, canonical, decode", "[codec][json]") {
    keys::upload u;
    u.device.user_id = "@alice:example.org";
    u.device.device_id = "JLAFKJWSCS";
    u.device.algorithms = {"m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"};
    u.device.curve25519.fill(0xfe);
    u.device.verified = false;
    u.one_time = {bytes{'f'}, bytes{}};
    u.count = 2;
    const auto j = json::encode(u);
    CHECK(j.at("device_keys").at("curve25519") ==
          codec::base64::encode<codec::base64::standard_unpadded>(u.device.curve25519));
    CHECK(j.at("one_time_keys") == nlohmann::json::array({"Zg", ""}));
    CHECK_FALSE(j.at("device_keys").contains("version"));
    CHECK(*json::canonical(j) ==
          R"({"count":2,"device_keys":{"algorithms":["m.olm.v1.curve25519-aes-sha2",)"
          R"("m.megolm.v1.aes-sha2"],"curve25519":")" +
              codec::base64::encode<codec::base64::standard_unpadded>(u.device.curve25519) +
              R"(","device_id":"JLAFKJWSCS","user_id":"@alice:example.org","verified":false},)"
              R"("one_time_keys":["Zg",""]})");
    auto back = json::decode<keys::upload>(j);
    REQUIRE(back);
    CHECK(*back == u);
    auto reparsed = json::decode<keys::upload>(*json::parse(*json::canonical(j)));
    REQUIRE(reparsed);
    CHECK(*reparsed == u);
}

TEST_CASE("json message: strict member types", "[codec][json]") {
    using D = keys::device_keys;
    const std::string key = codec::base64::encode(bytes(32, 1)); // padded: accepted
    auto doc = [&](const char* extra) {
        return *json::parse(std::string(R"({"user_id":"@a:b","device_id":"D","curve25519":")") +
                            key + "\"" + extra + "}");
    };
    CHECK(json::decode<D>(doc("")).has_value());
    CHECK(json::decode<D>(doc(R"(,"unknown":[1,2])")).has_value());
    CHECK(json::decode<D>(doc(R"(,"version":7)"))->version == 7u);
    CHECK(json::decode<D>(doc(R"(,"version":-1)")).error() == decode_error::out_of_range);
    CHECK(json::decode<D>(doc(R"(,"version":4294967296)")).error() == decode_error::out_of_range);
    CHECK(json::decode<D>(doc(R"(,"version":1.0)")).error() == decode_error::unexpected_type);
    CHECK(json::decode<D>(doc(R"(,"version":"1")")).error() == decode_error::unexpected_type);
    CHECK(json::decode<D>(doc(R"(,"version":null)")).error() == decode_error::unexpected_type);
    CHECK(json::decode<D>(doc(R"(,"verified":1)")).error() == decode_error::unexpected_type);
    CHECK(json::decode<D>(doc(R"(,"algorithms":"x")")).error() == decode_error::unexpected_type);
    CHECK(json::decode<D>(doc(R"(,"algorithms":["x",2])")).error() ==
          decode_error::unexpected_type);
    CHECK(json::decode<D>(*json::parse(R"({"user_id":"@a:b","device_id":"D"})")).error() ==
          decode_error::missing_field);
    CHECK(json::decode<D>(*json::parse(R"({"user_id":"@a:b","device_id":"D","curve25519":"AA"})"))
              .error() == decode_error::bad_length);
    CHECK(
        json::decode<D>(
            *json::parse(
                R"({"user_id":"@a:b","device_id":"D","curve25519":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA!"})"))
            .error() == decode_error::invalid_character);
    CHECK(json::decode<D>(nlohmann::json::array()).error() == decode_error::unexpected_type);
    CHECK(json::decode<keys::upload>(*json::parse(R"({"device_keys":[]})")).error() ==
          decode_error::unexpected_type);
    CHECK(json::decode<keys::upload>(*json::parse(R"({"device_keys":{}})"), 1).error() ==
          decode_error::too_deep);
}
