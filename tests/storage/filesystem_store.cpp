#include <e2ekit/storage/filesystem_store.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/storage/any_store.hpp>
#include <e2ekit/storage/memory_store.hpp>
#include <e2ekit/storage/scoped.hpp>
#include <tests/support/laws/storage.hpp>
#include <tests/support/storage_tmpdir.hpp>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <thread>
#include <vector>

using namespace e2ekit;
using storage::filesystem_options;
using storage::filesystem_store;
using storage::storage_error;
using test::storage_tmpdir;
namespace fs = std::filesystem;

static_assert(storage::store<filesystem_store>);
static_assert(std::is_nothrow_move_constructible_v<filesystem_store>);

namespace {

filesystem_store open_ok(const fs::path& dir, filesystem_options o = {}) {
    auto s = filesystem_store::open(dir, o);
    REQUIRE(s);
    return std::move(*s);
}

bytes read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return bytes(std::istreambuf_iterator<char>(in), {});
}

void write_file(const fs::path& p, bytes_view b) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

using contents = std::map<std::pair<std::string, std::string>, bytes>;

/// Everything in the given namespaces, as plain bytes, for comparisons.
template <storage::store S>
contents dump(const S& s, std::initializer_list<std::string_view> spaces) {
    contents out;
    for (auto ns : spaces) {
        auto keys = s.list(ns, "");
        REQUIRE(keys);
        for (const auto& k : *keys) {
            auto v = s.get(ns, k);
            REQUIRE(v);
            out[{std::string(ns), k}] = to_bytes(v->view());
        }
    }
    return out;
}

/// Fails chosen system calls: the n-th mutating call from arm() on fails
/// with EIO, and with `sticky` every later one as well (a disk that went
/// away). Reads are never failed: the store must survive writes failing.
struct faulty_io : storage::posix_file_io {
    static inline long countdown = -1;
    static inline bool sticky = false;
    static inline bool tripped = false;

    static void arm(long n, bool keep_failing) {
        countdown = n;
        sticky = keep_failing;
        tripped = false;
    }
    static void disarm() {
        countdown = -1;
        sticky = false;
    }
    static bool fail() {
        if (tripped && sticky) return errno = EIO, true;
        if (countdown < 0) return false;
        if (countdown-- == 0) return tripped = true, errno = EIO, true;
        return false;
    }

    static int openat(int dirfd, const char* name, int flags, mode_t mode) {
        if ((flags & O_CREAT) && fail()) return -1;
        return posix_file_io::openat(dirfd, name, flags, mode);
    }
    static ssize_t pwrite(int fd, const void* in, std::size_t n, off_t off) {
        const bool first = !tripped;
        if (fail()) {
            // Half the bytes reach the file before the error: a partial record.
            if (first) posix_file_io::pwrite(fd, in, n / 2, off);
            errno = EIO;
            return -1;
        }
        return posix_file_io::pwrite(fd, in, n, off);
    }
    static int fsync(int fd) { return fail() ? -1 : posix_file_io::fsync(fd); }
    static int fdatasync(int fd) { return fail() ? -1 : posix_file_io::fdatasync(fd); }
    static int ftruncate(int fd, off_t n) { return fail() ? -1 : posix_file_io::ftruncate(fd, n); }
    static int renameat(int d, const char* a, const char* b) {
        return fail() ? -1 : posix_file_io::renameat(d, a, b);
    }
    static int unlinkat(int d, const char* name) {
        return fail() ? -1 : posix_file_io::unlinkat(d, name);
    }
};
static_assert(storage::file_io<faulty_io>);
using faulty_store = storage::basic_filesystem_store<faulty_io>;

} // namespace

TEST_CASE("filesystem_store: obeys the store laws", "[storage][filesystem]") {
    storage_tmpdir dir("laws");
    auto s = open_ok(dir.path());
    test::laws::check_store(s);
}

TEST_CASE("filesystem_store: obeys the laws through scoped and any_store",
          "[storage][filesystem]") {
    storage_tmpdir dir("views");
    storage::any_store any(open_ok(dir.path()));
    test::laws::check_store(any);
    storage::scoped view(any, "alice");
    test::laws::check_store(view, storage::limits::max_namespace_size - 6);
}

TEST_CASE("filesystem_store: commits survive reopening", "[storage][filesystem]") {
    storage_tmpdir dir("persist");
    test::laws::check_persistence([&] { return open_ok(dir.path()); });
    // And after compaction, which rewrites the log.
    {
        auto s = open_ok(dir.path());
        REQUIRE(s.compact());
        CHECK(s.stats().compactions == 1);
    }
    test::laws::check_persistence([&] { return open_ok(dir.path()); });
}

TEST_CASE("filesystem_store: one handle at a time", "[storage][filesystem]") {
    storage_tmpdir dir("lock");
    auto first = open_ok(dir.path());
    auto second = filesystem_store::open(dir.path());
    REQUIRE_FALSE(second);
    CHECK(second.error() == storage_error::conflict);
    { auto gone = std::move(first); }
    CHECK(filesystem_store::open(dir.path()));
}

TEST_CASE("filesystem_store: opening", "[storage][filesystem]") {
    storage_tmpdir dir("open");
    filesystem_options no_create;
    no_create.create_if_missing = false;
    CHECK(filesystem_store::open(dir.path(), no_create).error() == storage_error::not_found);
    CHECK(filesystem_store::open(dir.path() / "a" / "b").error() == storage_error::io_error);
    {
        auto s = open_ok(dir.path());
        REQUIRE(storage::put_one(s, "ns", "k", as_bytes("v")));
    }
    CHECK((fs::status(dir.path()).permissions() & fs::perms::all) == fs::perms::owner_all);
    CHECK((fs::status(dir.log()).permissions() & fs::perms::all) ==
          (fs::perms::owner_read | fs::perms::owner_write));
    // A compaction that never reached its rename leaves a temporary file.
    write_file(dir.path() / "e2ekit.log.tmp", as_bytes("half a compaction"));
    auto s = open_ok(dir.path(), no_create);
    CHECK_FALSE(fs::exists(dir.path() / "e2ekit.log.tmp"));
    CHECK(test::laws::holds(s, "ns", "k", as_bytes("v")));
}

TEST_CASE("filesystem_store: a torn tail is dropped, whatever its length",
          "[storage][filesystem]") {
    storage_tmpdir dir("torn");
    std::uint64_t before = 0, after = 0;
    {
        auto s = open_ok(dir.path());
        REQUIRE(storage::put_one(s, "ns", "a", as_bytes("first")));
        before = s.stats().log_bytes;
        storage::batch b;
        b.put("ns", "a", as_bytes("second")).put("ns2", "b", as_bytes("new")).erase("ns", "x");
        REQUIRE(s.commit(b));
        after = s.stats().log_bytes;
    }
    const bytes full = read_file(dir.log());
    REQUIRE(full.size() == after);
    for (std::uint64_t n = before; n <= after; ++n) {
        INFO("log cut at " << n << " of " << after);
        write_file(dir.log(), bytes_view(full).first(n));
        auto s = open_ok(dir.path());
        if (n == after) {
            CHECK(test::laws::holds(s, "ns", "a", as_bytes("second")));
            CHECK(test::laws::holds(s, "ns2", "b", as_bytes("new")));
        } else {
            CHECK(test::laws::holds(s, "ns", "a", as_bytes("first")));
            CHECK(test::laws::absent(s, "ns2", "b"));
            CHECK(fs::file_size(dir.log()) == before); // truncated on open
        }
    }
    // Zeros or garbage after the last record (a size that outran its data)
    // are a torn tail too, and the next commit follows the last record.
    for (const bytes& tail : {bytes(100, 0), bytes{0x4B, 0x56, 0x52, 0x31, 0xFF}, bytes(3, 7)}) {
        write_file(dir.log(), concat(full, tail));
        auto s = open_ok(dir.path());
        CHECK(test::laws::holds(s, "ns2", "b", as_bytes("new")));
        CHECK(fs::file_size(dir.log()) == after);
        REQUIRE(storage::put_one(s, "ns", "c", as_bytes("c")));
    }
    auto s = open_ok(dir.path());
    CHECK(test::laws::holds(s, "ns", "c", as_bytes("c")));
}

TEST_CASE("filesystem_store: damage before the last record is corruption",
          "[storage][filesystem]") {
    storage_tmpdir dir("corrupt");
    std::uint64_t first_end = 0, last_start = 0;
    {
        auto s = open_ok(dir.path());
        REQUIRE(storage::put_one(s, "ns", "a", as_bytes("first value")));
        first_end = s.stats().log_bytes;
        REQUIRE(storage::put_one(s, "ns", "b", as_bytes("second value")));
        last_start = s.stats().log_bytes;
        REQUIRE(storage::put_one(s, "ns", "c", as_bytes("third value")));
    }
    const bytes good = read_file(dir.log());
    auto with_flip = [&](std::size_t at) {
        bytes b = good;
        b[at] ^= 0x01;
        write_file(dir.log(), b);
        return filesystem_store::open(dir.path());
    };
    // Any byte of the file header, the first record or the second.
    for (std::size_t at = 0; at < last_start; ++at) {
        INFO("flipped byte " << at << " (first record ends at " << first_end << ")");
        auto s = with_flip(at);
        REQUIRE_FALSE(s);
        CHECK(s.error() == storage_error::corrupt);
    }
    // Damage in the last record looks like a torn write: it is dropped.
    {
        auto s = with_flip(good.size() - 1);
        REQUIRE(s);
        CHECK(test::laws::absent(*s, "ns", "c"));
        CHECK(test::laws::holds(*s, "ns", "b", as_bytes("second value")));
    }
    write_file(dir.log(), good);
    CHECK(filesystem_store::open(dir.path()));
    // Too short to hold its own header; not ours at all.
    write_file(dir.log(), bytes_view(good).first(10));
    CHECK(filesystem_store::open(dir.path()).error() == storage_error::corrupt);
    write_file(dir.log(), as_bytes("SQLite format 3\0 and then some more bytes"));
    CHECK(filesystem_store::open(dir.path()).error() == storage_error::corrupt);
    // A format from the future.
    bytes later = good;
    later[11] = 2;
    store_be<std::uint32_t>(mutable_fixed_view<4>(later.data() + 12, 4),
                            storage::detail::crc32c(bytes_view(later.data(), 12)));
    write_file(dir.log(), later);
    CHECK(filesystem_store::open(dir.path()).error() == storage_error::unsupported);
}

TEST_CASE("filesystem_store: reads logs made by an independent encoder", "[storage][filesystem]") {
    // fuzz/storage_log/make_corpus.py writes the documented format in
    // Python; the store must read what it writes as the script intends.
    const fs::path corpus = fs::path(E2EKIT_SOURCE_DIR) / "fuzz" / "storage_log" / "corpus";
    storage_tmpdir dir("python");
    auto open_seed = [&](const char* name) {
        fs::create_directories(dir.path());
        write_file(dir.log(), read_file(corpus / name));
        return filesystem_store::open(dir.path());
    };
    {
        auto s = open_seed("batch_two_spaces");
        REQUIRE(s);
        CHECK(test::laws::holds(*s, "a", "k1", bytes(40, 0)));
        CHECK(test::laws::holds(*s, "b", "k1", as_bytes("x")));
        CHECK(test::laws::absent(*s, "a", "gone"));
    }
    {
        auto s = open_seed("overwrite_and_erase");
        REQUIRE(s);
        CHECK(test::laws::holds(*s, "s", "k", as_bytes("two")));
        CHECK(test::laws::absent(*s, "s", "j"));
    }
    {
        auto s = open_seed("torn_tail");
        REQUIRE(s);
        CHECK(test::laws::holds(*s, "s", "k", as_bytes("kept")));
    }
    {
        auto s = open_seed("scoped_names");
        REQUIRE(s);
        auto v = s->get("alice%2Fphone/sessions", "carol.1");
        REQUIRE(v);
        CHECK(v->size() == 256);
        CHECK(test::laws::holds(*s, "bob/prekeys", "7", as_bytes("pk")));
    }
    CHECK(open_seed("empty_record"));
    CHECK(open_seed("bad_middle").error() == storage_error::corrupt);
    CHECK(open_seed("bad_kind").error() == storage_error::corrupt);
    CHECK(open_seed("nul_key").error() == storage_error::corrupt);
    CHECK(open_seed("future_version").error() == storage_error::unsupported);
    CHECK(open_seed("not_ours").error() == storage_error::corrupt);
}

TEST_CASE("filesystem_store: a value damaged after opening is reported, not returned",
          "[storage][filesystem]") {
    storage_tmpdir dir("rot");
    auto s = open_ok(dir.path());
    REQUIRE(storage::put_one(s, "ns", "k", as_bytes("a secret value")));
    REQUIRE(storage::put_one(s, "ns", "other", as_bytes("another one")));
    bytes b = read_file(dir.log());
    // The first record's value ends just before the second record; flip it
    // in place (same inode, as bit rot would).
    const auto first_end = static_cast<std::size_t>(16 + 16 + 4 + 12 + 2 + 1 + 14);
    {
        std::fstream f(dir.log(), std::ios::binary | std::ios::in | std::ios::out);
        f.seekp(static_cast<std::streamoff>(first_end - 1));
        const char c = static_cast<char>(b[first_end - 1] ^ 0x40);
        f.write(&c, 1);
    }
    CHECK(s.get("ns", "k").error() == storage_error::corrupt);
    CHECK(test::laws::holds(s, "ns", "other", as_bytes("another one")));
    // Compaction will not carry a damaged value over, and says so.
    CHECK(s.compact().error() == storage_error::corrupt);
    CHECK(test::laws::holds(s, "ns", "other", as_bytes("another one")));
}

TEST_CASE("filesystem_store: compaction keeps the log near its live size",
          "[storage][filesystem]") {
    storage_tmpdir dir("compact");
    filesystem_options o;
    o.compact_min_bytes = 8 * 1024;
    {
        auto s = open_ok(dir.path(), o);
        for (int g = 0; g < 400; ++g) {
            storage::batch b;
            if (g % 7 == 0) b.erase("a", "key1"); // and put back below
            for (int k = 0; k < 10; ++k)
                b.put(k % 2 ? "a" : "b", "key" + std::to_string(k),
                      test::laws::storage_value("g" + std::to_string(g), 50));
            REQUIRE(s.commit(b));
        }
        const auto st = s.stats();
        CHECK(st.compactions > 5);
        CHECK(st.log_bytes <= 2 * std::max<std::uint64_t>(o.compact_min_bytes, st.live_bytes) + 1);
        CHECK(st.entries == 10);
        REQUIRE(s.compact());
        CHECK(s.stats().log_bytes < s.stats().live_bytes + 64); // one record header or so
        CHECK(test::laws::holds(s, "a", "key9", test::laws::storage_value("g399", 50)));
    }
    auto s = open_ok(dir.path(), o);
    CHECK(s.stats().entries == 10);
    CHECK(test::laws::holds(s, "b", "key0", test::laws::storage_value("g399", 50)));
    // An empty store compacts to its header.
    storage::batch all;
    for (int k = 0; k < 10; ++k)
        all.erase(k % 2 ? "a" : "b", "key" + std::to_string(k));
    REQUIRE(s.commit(all));
    REQUIRE(s.compact());
    CHECK(s.stats().log_bytes == 16);
    CHECK(s.stats().entries == 0);
}

TEST_CASE("filesystem_store: a failed commit leaves the store as it was",
          "[storage][filesystem][faults]") {
    // Fail each write-side system call of a commit in turn (once, or from
    // then on); the commit must either succeed whole or change nothing,
    // in this handle and after reopening.
    filesystem_options o;
    // Three commits of 710 bytes stay below the threshold; the fourth, of
    // 744, crosses it with the log over twice its live bytes: it compacts.
    o.compact_min_bytes = 2500;
    const std::initializer_list<std::string_view> spaces = {"a", "b"};
    for (bool sticky : {false, true}) {
        for (long n = 0;; ++n) {
            INFO("failing call " << n << (sticky ? " and all after it" : " only"));
            storage_tmpdir dir("faults");
            contents before, after, committed;
            bool unknown = false;
            {
                faulty_io::disarm();
                auto opened = faulty_store::open(dir.path(), o);
                REQUIRE(opened);
                auto& s = *opened;
                for (int g = 0; g < 3; ++g) {
                    storage::batch b;
                    for (int k = 0; k < 6; ++k)
                        b.put(k % 2 ? "a" : "b", "k" + std::to_string(k),
                              test::laws::storage_value("old" + std::to_string(g), 100));
                    REQUIRE(s.commit(b));
                }
                before = dump(s, spaces);
                storage::batch b;
                for (int k = 0; k < 6; ++k)
                    b.put(k % 2 ? "a" : "b", "k" + std::to_string(k),
                          test::laws::storage_value("new", 100));
                b.erase("a", "k1").put("b", "fresh", as_bytes("f"));
                {
                    // What a successful commit must give, by the laws' model.
                    storage::memory_store m;
                    storage::batch init;
                    for (const auto& [k, v] : before)
                        init.put(k.first, k.second, v);
                    REQUIRE(m.commit(init));
                    REQUIRE(m.commit(b.clone()));
                    committed = dump(m, spaces);
                }
                faulty_io::arm(n, sticky);
                const auto r = s.commit(b);
                const bool tripped = faulty_io::tripped;
                faulty_io::disarm();
                if (r) {
                    after = dump(s, spaces);
                    CHECK(after == committed);
                } else {
                    CHECK(dump(s, spaces) == before);
                    // Once: the handle rolled back and goes on. Sticky: the
                    // roll-back failed too, the outcome waits for a reopen,
                    // and the handle stops writing.
                    const auto next = storage::put_one(s, "a", "probe", as_bytes("p"));
                    if (sticky) {
                        CHECK(r.error() == storage_error::outcome_unknown);
                        CHECK(next.error() == storage_error::unavailable);
                        unknown = true;
                    } else {
                        CHECK(r.error() == storage_error::io_error);
                        CHECK(next);
                        REQUIRE(storage::erase_one(s, "a", "probe"));
                    }
                    after = before;
                }
                if (!tripped) {
                    CHECK(r);
                    CHECK(s.stats().compactions >= 1);
                    break;
                }
            }
            auto s = open_ok(dir.path(), o);
            const auto reopened = dump(s, spaces);
            if (unknown)
                CHECK((reopened == before || reopened == committed));
            else
                CHECK(reopened == after);
            CHECK_FALSE(fs::exists(dir.path() / "e2ekit.log.tmp"));
            REQUIRE(n < 100);
        }
    }
}

TEST_CASE("filesystem_store: readers run beside a committing writer", "[storage][filesystem]") {
    storage_tmpdir dir("threads");
    filesystem_options o;
    o.compact_min_bytes = 4096;
    auto s = open_ok(dir.path(), o);
    std::atomic<bool> stop{false};
    std::atomic<int> failures{0};
    auto reader = [&] {
        while (!stop) {
            auto l = s.list("gen", "");
            if (!l || (l->size() != 0 && l->size() != 8)) ++failures;
            auto v = s.get("gen", "k3");
            if (!v && v.error() != storage_error::not_found) ++failures;
        }
    };
    std::vector<std::thread> readers;
    for (int i = 0; i < 2; ++i)
        readers.emplace_back(reader);
    for (int g = 0; g < 200; ++g) {
        storage::batch b;
        for (int k = 0; k < 8; ++k)
            b.put("gen", "k" + std::to_string(k), test::laws::storage_value(std::to_string(g), 64));
        REQUIRE(s.commit(b));
    }
    stop = true;
    for (auto& t : readers)
        t.join();
    CHECK(failures == 0);
    CHECK(s.stats().compactions > 0);
}
