#include <e2ekit/codec/describe.hpp>

#include <catch2/catch.hpp>

#include <optional>

using namespace e2ekit;

namespace demo {
// The example of describe.hpp, verbatim.
struct signal_message {
    bytes ratchet_key;
    std::uint32_t counter = 0;
    std::uint32_t previous_counter = 0;
    bytes ciphertext;
    friend bool operator==(const signal_message&, const signal_message&) = default;
    friend constexpr auto describe(codec::tag<signal_message>) {
        using namespace codec;
        return fields(required<1, kind::bytes>("ratchetKey", &signal_message::ratchet_key),
                      required<2, kind::uint32>("counter", &signal_message::counter),
                      field<3, kind::uint32>("previousCounter", &signal_message::previous_counter),
                      required<4, kind::bytes>("ciphertext", &signal_message::ciphertext));
    }
};

// Described by a free function in the struct's namespace instead.
struct wrapper {
    std::optional<signal_message> inner;
    std::vector<std::uint64_t> ids;
    byte_array<4> magic{};
};
constexpr auto describe(codec::tag<wrapper>) {
    using namespace codec;
    return fields(field<1, kind::message>("inner", &wrapper::inner),
                  field<2, kind::repeated<kind::uint64>>("ids", &wrapper::ids),
                  required<5, kind::bytes>("magic", &wrapper::magic));
}

struct not_described {
    int x;
};
} // namespace demo

namespace codec = e2ekit::codec;

static_assert(codec::described<demo::signal_message>);
static_assert(codec::described<demo::wrapper>);
static_assert(!codec::described<demo::not_described>);
static_assert(!codec::described<int>);
static_assert(codec::field_count_of<demo::signal_message> == 4);

// Kinds accept exactly the member types of the table in describe.hpp.
static_assert(codec::kind_accepts<codec::kind::uint32, std::uint32_t>);
static_assert(!codec::kind_accepts<codec::kind::uint32, std::uint64_t>);
static_assert(!codec::kind_accepts<codec::kind::uint32, int>);
static_assert(!codec::kind_accepts<codec::kind::boolean, int>);
static_assert(codec::kind_accepts<codec::kind::bytes, byte_array<33>>);
static_assert(!codec::kind_accepts<codec::kind::bytes, std::string>);
static_assert(!codec::kind_accepts<codec::kind::string, bytes>);
static_assert(codec::kind_accepts<codec::kind::message, demo::signal_message>);
static_assert(!codec::kind_accepts<codec::kind::message, int>);
static_assert(codec::kind_accepts<codec::kind::repeated<codec::kind::bytes>, std::vector<bytes>>);
static_assert(!codec::kind_accepts<codec::kind::repeated<codec::kind::bytes>, bytes>);
static_assert(
    !codec::kind_accepts<codec::kind::repeated<codec::kind::repeated<codec::kind::uint32>>,
                         std::vector<std::vector<std::uint32_t>>>);
static_assert(codec::detail::increasing_numbers<1, 2, 5>());
static_assert(codec::detail::increasing_numbers<0, 0, 0>());
static_assert(!codec::detail::increasing_numbers<1, 1>());
static_assert(!codec::detail::increasing_numbers<2, 1>());

TEST_CASE("describe: descriptors expose number, name, presence and member", "[codec][describe]") {
    constexpr auto d = codec::description_of<demo::wrapper>;
    constexpr auto inner = boost::hana::at_c<0>(d);
    STATIC_REQUIRE(decltype(inner)::number == 1);
    STATIC_REQUIRE(decltype(inner)::optional);
    STATIC_REQUIRE_FALSE(decltype(inner)::required);
    STATIC_REQUIRE(std::remove_cvref_t<decltype(boost::hana::at_c<1>(d))>::repeated);
    STATIC_REQUIRE(std::remove_cvref_t<decltype(boost::hana::at_c<2>(d))>::required);
    CHECK(inner.name == "inner");

    demo::wrapper w;
    inner.get(w).emplace().counter = 7;
    CHECK(w.inner->counter == 7);

    std::vector<std::string_view> names;
    std::vector<std::size_t> index;
    codec::for_each_field<demo::signal_message>([&](auto f, auto i) {
        names.push_back(f.name);
        index.push_back(i);
    });
    CHECK(names ==
          std::vector<std::string_view>{"ratchetKey", "counter", "previousCounter", "ciphertext"});
    CHECK(index == std::vector<std::size_t>{0, 1, 2, 3});
}
