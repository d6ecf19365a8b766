#include <e2ekit/protocols/dimp/cdn.hpp>

#include <catch2/catch.hpp>

#include <tests/support/dimp_cdn.hpp>

using namespace e2ekit;
namespace dimp = e2ekit::protocols::dimp;

namespace {
// Near misses: each lacks exactly one requirement of `cdn`.
struct no_tag {
    result<std::string> upload(bytes_view, std::string_view);
    result<bytes> download(std::string_view);
};
struct no_upload {
    using cdn_concept = dimp::cdn_tag;
    result<bytes> download(std::string_view);
};
struct no_download {
    using cdn_concept = dimp::cdn_tag;
    result<std::string> upload(bytes_view, std::string_view);
};
struct upload_returns_bytes {
    using cdn_concept = dimp::cdn_tag;
    result<bytes> upload(bytes_view, std::string_view);
    result<bytes> download(std::string_view);
};
struct download_unchecked {
    using cdn_concept = dimp::cdn_tag;
    result<std::string> upload(bytes_view, std::string_view);
    bytes download(std::string_view);
};
} // namespace

static_assert(dimp::cdn<test::memory_cdn>);
static_assert(!dimp::cdn<no_tag>);
static_assert(!dimp::cdn<no_upload>);
static_assert(!dimp::cdn<no_download>);
static_assert(!dimp::cdn<upload_returns_bytes>);
static_assert(!dimp::cdn<download_unchecked>);

TEST_CASE("dimp cdn: the memory archetype stores and returns payloads", "[protocols][dimp][cdn]") {
    test::memory_cdn c;
    auto url = c.upload(bytes{1, 2, 3}, "a.bin");
    REQUIRE(url);
    CHECK(*c.download(*url) == bytes{1, 2, 3});
    CHECK_FALSE(c.download("mem://9/none"));
}
