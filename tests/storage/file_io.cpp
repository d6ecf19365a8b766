#include <e2ekit/storage/file_io.hpp>

#include <catch2/catch.hpp>

using e2ekit::storage::file_io;
using e2ekit::storage::file_io_tag;
using e2ekit::storage::posix_file_io;

namespace near_miss {
// Each lacks one requirement of file_io.
struct no_tag : posix_file_io {
    using file_io_concept = void;
};
struct no_fdatasync {
    using file_io_concept = file_io_tag;
    static int mkdir(const char*, mode_t);
    static int open(const char*, int, mode_t);
    static int openat(int, const char*, int, mode_t);
    static int close(int);
    static ssize_t pread(int, void*, std::size_t, off_t);
    static ssize_t pwrite(int, const void*, std::size_t, off_t);
    static int fsync(int);
    static int ftruncate(int, off_t);
    static int fstat(int, struct stat*);
    static int renameat(int, const char*, const char*);
    static int unlinkat(int, const char*);
    static int flock(int, int);
};
struct no_flock : posix_file_io {
    static void flock(int, int);
};
struct wrong_pwrite : posix_file_io {
    static int pwrite(int, const void*, std::size_t, off_t); // loses the size type
};
} // namespace near_miss

static_assert(file_io<posix_file_io>);
static_assert(!file_io<near_miss::no_tag>);
static_assert(!file_io<near_miss::no_fdatasync>);
static_assert(!file_io<near_miss::no_flock>);
static_assert(!file_io<near_miss::wrong_pwrite>);

TEST_CASE("file_io: posix_file_io passes calls through", "[storage][file_io]") {
    errno = 0;
    CHECK(posix_file_io::open("/nonexistent/e2ekit/x", O_RDONLY | O_CLOEXEC, 0) == -1);
    CHECK(errno == ENOENT);
    const int fd = posix_file_io::open("/dev/null", O_RDWR | O_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    CHECK(posix_file_io::pwrite(fd, "x", 1, 0) == 1);
    CHECK(posix_file_io::close(fd) == 0);
}
