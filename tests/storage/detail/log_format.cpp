#include <e2ekit/storage/detail/log_format.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace e2ekit;
namespace lf = storage::detail::log;
using storage::batch;
using storage::detail::crc32c;

TEST_CASE("log format: file header", "[storage][log]") {
    auto h = lf::file_header();
    CHECK(lf::check_file_header(h) == lf::header_check::ok);
    CHECK(lf::check_file_header(bytes_view(h).first(15)) == lf::header_check::bad);
    auto bad = h;
    bad[0] ^= 1;
    CHECK(lf::check_file_header(bad) == lf::header_check::bad);
    // A later version, with a checksum that holds, is recognised as such.
    auto later = h;
    later[11] = 2;
    store_be<std::uint32_t>(mutable_fixed_view<4>(later.data() + 12, 4),
                            crc32c(bytes_view(later.data(), 12)));
    CHECK(lf::check_file_header(later) == lf::header_check::unsupported);
}

TEST_CASE("log format: records round-trip through the parser", "[storage][log]") {
    lf::record_writer w;
    const bytes v1{1, 2, 3}, v2(300, 9);
    const auto at1 = w.add(batch::op_kind::put, "ns", "key", v1, crc32c(v1));
    w.add(batch::op_kind::erase, "ns", "gone", {}, 0);
    const auto at3 = w.add(batch::op_kind::put, "other", "k", v2, crc32c(v2));
    w.finish();
    const bytes rec(w.view().begin(), w.view().end());

    lf::record_header rh{};
    REQUIRE(lf::parse_record_header(rec, rh));
    REQUIRE(rh.body_size == rec.size() - lf::record_header_size);
    const bytes_view body = bytes_view(rec).subspan(lf::record_header_size);
    CHECK(rh.body_crc == crc32c(body));

    std::vector<lf::parsed_op> ops;
    std::vector<std::string> names;
    REQUIRE(lf::parse_body(body, [&](const lf::parsed_op& op) {
        ops.push_back(op);
        names.push_back(std::string(op.ns) + "|" + std::string(op.key));
    }));
    REQUIRE(ops.size() == 3);
    CHECK(names == std::vector<std::string>{"ns|key", "ns|gone", "other|k"});
    CHECK(ops[0].kind == batch::op_kind::put);
    CHECK(ops[0].value_offset + lf::record_header_size == at1);
    CHECK(ops[0].value_size == 3);
    CHECK(ops[0].value_crc == crc32c(v1));
    CHECK(ops[1].kind == batch::op_kind::erase);
    CHECK(ops[2].value_offset + lf::record_header_size == at3);
    CHECK(equal_public(body.subspan(ops[2].value_offset, ops[2].value_size), v2));
    CHECK(lf::footprint(2, 3, 3) == lf::op_header_size + 8);

    // Every strict prefix and every extension of the body is refused.
    for (std::size_t n = 0; n < body.size(); ++n)
        CHECK_FALSE(lf::parse_body(body.first(n), [](const lf::parsed_op&) {}));
    bytes longer(body.begin(), body.end());
    longer.push_back(0);
    CHECK_FALSE(lf::parse_body(longer, [](const lf::parsed_op&) {}));

    // A header with a wrong magic or checksum is not a header.
    for (std::size_t i = 0; i < lf::record_header_size; ++i) {
        bytes h(rec.begin(), rec.begin() + lf::record_header_size);
        h[i] ^= 0x10;
        CHECK_FALSE(lf::parse_record_header(h, rh));
    }
}

TEST_CASE("log format: bodies this code would not write are refused", "[storage][log]") {
    auto body_of = [](auto&& build) {
        lf::record_writer w;
        build(w);
        w.finish();
        return bytes(w.view().begin() + lf::record_header_size, w.view().end());
    };
    auto parses = [](bytes_view b) { return lf::parse_body(b, [](const lf::parsed_op&) {}); };
    const bytes v{7};
    auto good = body_of([&](lf::record_writer& w) { w.add(batch::op_kind::put, "n", "k", v, 0); });
    REQUIRE(parses(good));
    auto bad_kind = good;
    bad_kind[4] = 3;
    CHECK_FALSE(parses(bad_kind));
    auto empty_ns =
        body_of([&](lf::record_writer& w) { w.add(batch::op_kind::put, "", "k", v, 0); });
    CHECK_FALSE(parses(empty_ns));
    auto nul_key = body_of([&](lf::record_writer& w) {
        w.add(batch::op_kind::put, "n", std::string("k\0", 2), v, 0);
    });
    CHECK_FALSE(parses(nul_key));
    auto erase_with_value =
        body_of([&](lf::record_writer& w) { w.add(batch::op_kind::erase, "n", "k", v, 0); });
    CHECK_FALSE(parses(erase_with_value));
    auto more_ops = good;
    more_ops[3] = 2; // count says two
    CHECK_FALSE(parses(more_ops));
    CHECK(parses(body_of([](lf::record_writer&) {}))); // an empty record is well formed
}
