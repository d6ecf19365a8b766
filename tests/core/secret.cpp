#include <e2ekit/core/secret.hpp>

#include <catch2/catch.hpp>

#include <sstream>
#include <type_traits>

using namespace e2ekit;

namespace {
struct key_tag;
struct other_tag;
} // namespace

static_assert(!std::is_copy_constructible_v<secret<32>>, "secrets copy only by clone()");
static_assert(!std::is_copy_assignable_v<secret<32>>);
static_assert(std::is_nothrow_move_constructible_v<secret<32>>);
static_assert(!std::is_convertible_v<secret<32, key_tag>, secret<32, other_tag>>,
              "tags keep kinds of secret apart");
static_assert(!std::is_copy_constructible_v<secret_bytes>);

TEST_CASE("secret: zero-initialised, compares by content", "[core][secret]") {
    secret<16> a;
    CHECK(ct::is_zero(a.view()));
    byte_array<16> raw{1, 2, 3};
    secret<16> b{raw};
    secret<16> c = b.clone();
    CHECK(b == c);
    c.mutable_view()[15] ^= 1;
    CHECK_FALSE(b == c);
}

TEST_CASE("secret: moving wipes the source", "[core][secret]") {
    byte_array<8> raw{9, 9, 9, 9, 9, 9, 9, 9};
    secret<8> a{raw};
    secret<8> b = std::move(a);
    CHECK(ct::is_zero(a.view())); // NOLINT(bugprone-use-after-move): checking the wipe
    CHECK(b.view()[0] == 9);
    secret<8, key_tag> t = std::move(b).retag<key_tag>();
    CHECK(ct::is_zero(b.view())); // NOLINT(bugprone-use-after-move)
    CHECK(t.view()[7] == 9);
}

TEST_CASE("secret: printing redacts", "[core][secret]") {
    byte_array<4> raw{0xde, 0xad, 0xbe, 0xef};
    secret<4> s{raw};
    secret_bytes v{bytes_view(raw)};
    std::ostringstream os;
    os << s << ' ' << v;
    CHECK(os.str() == "[secret: 4 bytes redacted] [secret: 4 bytes redacted]");
    CHECK(os.str().find("de") == std::string::npos);
}

TEST_CASE("secret_bytes: grows, clones, compares in constant time", "[core][secret]") {
    secret_bytes s(as_bytes("pass"));
    s.append(as_bytes("word"));
    CHECK(s.size() == 8);
    auto c = s.clone();
    CHECK(c == s);
    c.mutable_view()[0] = 'P';
    CHECK_FALSE(c == s);
    secret_bytes moved = std::move(c);
    CHECK(moved.size() == 8);
}
