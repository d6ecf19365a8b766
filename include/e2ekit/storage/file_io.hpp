// The file_io concept: the handful of POSIX calls the filesystem store
// makes, as a policy, so that tests can fail any one of them (the store
// must then read exactly as before) without a virtual hook in the store.
// `posix_file_io` is the real thing; users never need another.
//
// A type opts in with `using file_io_concept = e2ekit::storage::file_io_tag;`
// and offers these static functions, each with the POSIX function's
// meaning, return value and `errno` (paths are relative to `dirfd`):
//
// | expression                            | type      | POSIX               |
// |---------------------------------------|-----------|---------------------|
// | `F::mkdir(path, mode)`                | `int`     | mkdir               |
// | `F::open(path, flags, mode)`          | `int`     | open                |
// | `F::openat(dirfd, name, flags, mode)` | `int`     | openat              |
// | `F::close(fd)`                        | `int`     | close               |
// | `F::pread(fd, buf, n, off)`           | `ssize_t` | pread               |
// | `F::pwrite(fd, buf, n, off)`          | `ssize_t` | pwrite              |
// | `F::fsync(fd)`                        | `int`     | fsync               |
// | `F::fdatasync(fd)`                    | `int`     | fdatasync           |
// | `F::ftruncate(fd, size)`              | `int`     | ftruncate           |
// | `F::fstat(fd, st)`                    | `int`     | fstat               |
// | `F::renameat(dirfd, from, to)`        | `int`     | renameat, one dirfd |
// | `F::unlinkat(dirfd, name)`            | `int`     | unlinkat, flags 0   |
// | `F::flock(fd, op)`                    | `int`     | flock               |
#ifndef E2EKIT_STORAGE_FILE_IO_HPP
#define E2EKIT_STORAGE_FILE_IO_HPP

#include <concepts>
#include <cstddef>
#include <cstdio> // renameat

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

namespace e2ekit::storage {

/// The opt-in tag: `using file_io_concept = file_io_tag;`.
struct file_io_tag {};

template <class F>
concept file_io = requires {
    typename F::file_io_concept;
}
&&std::same_as<typename F::file_io_concept, file_io_tag>&& requires(const char* path, int fd,
                                                                    int flags, mode_t mode,
                                                                    void* out, const void* in,
                                                                    std::size_t n, off_t off,
                                                                    struct stat* st) {
    { F::mkdir(path, mode) } -> std::same_as<int>;
    { F::open(path, flags, mode) } -> std::same_as<int>;
    { F::openat(fd, path, flags, mode) } -> std::same_as<int>;
    { F::close(fd) } -> std::same_as<int>;
    { F::pread(fd, out, n, off) } -> std::same_as<ssize_t>;
    { F::pwrite(fd, in, n, off) } -> std::same_as<ssize_t>;
    { F::fsync(fd) } -> std::same_as<int>;
    { F::fdatasync(fd) } -> std::same_as<int>;
    { F::ftruncate(fd, off) } -> std::same_as<int>;
    { F::fstat(fd, st) } -> std::same_as<int>;
    { F::renameat(fd, path, path) } -> std::same_as<int>;
    { F::unlinkat(fd, path) } -> std::same_as<int>;
    { F::flock(fd, flags) } -> std::same_as<int>;
};

struct posix_file_io {
    using file_io_concept = file_io_tag;
    static int mkdir(const char* path, mode_t mode) { return ::mkdir(path, mode); }
    static int open(const char* path, int flags, mode_t mode) { return ::open(path, flags, mode); }
    static int openat(int dirfd, const char* name, int flags, mode_t mode) {
        return ::openat(dirfd, name, flags, mode);
    }
    static int close(int fd) { return ::close(fd); }
    static ssize_t pread(int fd, void* out, std::size_t n, off_t off) {
        return ::pread(fd, out, n, off);
    }
    static ssize_t pwrite(int fd, const void* in, std::size_t n, off_t off) {
        return ::pwrite(fd, in, n, off);
    }
    static int fsync(int fd) { return ::fsync(fd); }
    static int fdatasync(int fd) { return ::fdatasync(fd); }
    static int ftruncate(int fd, off_t size) { return ::ftruncate(fd, size); }
    static int fstat(int fd, struct stat* st) { return ::fstat(fd, st); }
    static int renameat(int dirfd, const char* from, const char* to) {
        return ::renameat(dirfd, from, dirfd, to);
    }
    static int unlinkat(int dirfd, const char* name) { return ::unlinkat(dirfd, name, 0); }
    static int flock(int fd, int op) { return ::flock(fd, op); }
};
static_assert(file_io<posix_file_io>);

} // namespace e2ekit::storage

#endif
