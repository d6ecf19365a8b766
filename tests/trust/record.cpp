#include <e2ekit/trust/record.hpp>

#include <catch2/catch.hpp>

using namespace e2ekit;

TEST_CASE("trust::record: stored form round-trips and is strict", "[trust][record]") {
    const bytes key33 = [] {
        bytes k(33, 0x11);
        k[0] = 0x05;
        return k;
    }();
    for (auto l : {trust::level::trusted, trust::level::distrusted, trust::level::undecided}) {
        for (std::size_t n :
             {std::size_t{1}, std::size_t{32}, std::size_t{33}, trust::max_key_size}) {
            const trust::record r{bytes(n, static_cast<byte>(n)), l};
            const bytes stored = trust::encode(r);
            CHECK(stored.size() == 2 + n);
            auto back = trust::parse_record(stored);
            REQUIRE(back);
            CHECK(*back == r);
        }
    }
    const bytes good = trust::encode({key33, trust::level::trusted});
    CHECK(good[0] == 1);
    CHECK(good[1] == static_cast<byte>(trust::level::trusted));

    const auto refused = [](bytes b) {
        return trust::parse_record(b).error() == trust::trust_error::bad_record;
    };
    CHECK(refused({}));
    CHECK(refused({1}));
    CHECK(refused({1, 1})); // no key
    bytes v = good;
    v[0] = 2; // another version
    CHECK(refused(v));
    v = good;
    v[1] = 0; // no level
    CHECK(refused(v));
    v[1] = 4;
    CHECK(refused(v));
    CHECK(refused(trust::encode({bytes(trust::max_key_size + 1, 1), trust::level::trusted})));
    // Every truncation of a valid form either parses as a shorter key or is refused.
    for (std::size_t n = 0; n < good.size(); ++n) {
        auto r = trust::parse_record(bytes_view(good).first(n));
        if (r) CHECK(r->key.size() == n - 2);
    }
}
