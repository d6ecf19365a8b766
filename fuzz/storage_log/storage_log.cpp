// Fuzzes what the filesystem store reads from disk: the input is the whole
// log file. Opening must never crash; it either fails with a storage error
// or yields a store that then behaves: a value committed on top of it reads
// back, also after reopening. The record body parser is also run on the
// raw input, and every operation it reports must lie inside the body.
// Syncs are no-ops here (the fuzz_io policy): durability is the crash test's
// business, and a fuzzer wants thousands of inputs a second.
#include <e2ekit/storage/detail/log_format.hpp>
#include <e2ekit/storage/filesystem_store.hpp>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace {

struct fuzz_io : e2ekit::storage::posix_file_io {
    static int fsync(int) { return 0; }
    static int fdatasync(int) { return 0; }
};
static_assert(e2ekit::storage::file_io<fuzz_io>);
using store = e2ekit::storage::basic_filesystem_store<fuzz_io>;

/// One scratch directory per process, removed at exit.
struct scratch {
    std::filesystem::path path;
    scratch()
        : path(std::filesystem::temp_directory_path() /
               ("e2ekit-fuzz-storage-log-" + std::to_string(::getpid()))) {
        std::filesystem::create_directories(path);
    }
    ~scratch() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

const std::filesystem::path& dir() {
    static const scratch d;
    return d.path;
}

void write_log(const std::uint8_t* data, std::size_t size) {
    const auto path = (dir() / "e2ekit.log").string();
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) std::abort();
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::write(fd, data + done, size - done);
        if (n <= 0) std::abort();
        done += static_cast<std::size_t>(n);
    }
    ::close(fd);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace e2ekit;
    namespace lf = storage::detail::log;
    const bytes_view input(data, size);

    lf::parse_body(input, [&](const lf::parsed_op& op) {
        if (op.value_offset > size || op.value_size > size - op.value_offset) std::abort();
        if (op.ns.empty() || op.key.empty()) std::abort();
    });

    write_log(data, size);
    const bytes probe = {0x70, 0x72, 0x6f, 0x62, 0x65, 0x00, 0xff};
    {
        auto s = store::open(dir());
        if (!s) {
            const auto e = s.error();
            if (e != storage::storage_error::corrupt && e != storage::storage_error::unsupported)
                std::abort(); // nothing else can come of a file's contents
            return 0;
        }
        if (!storage::put_one(*s, "fuzz", "probe", probe)) std::abort();
        auto v = s->get("fuzz", "probe");
        if (!v || !equal_public(v->view(), probe)) std::abort();
    }
    auto s = store::open(dir());
    if (!s) std::abort(); // a log this store appended to must open again
    auto v = s->get("fuzz", "probe");
    if (!v || !equal_public(v->view(), probe)) std::abort();
    // Compaction re-reads every value; one whose own CRC fails is reported.
    if (auto c = s->compact(); !c && c.error() != storage::storage_error::corrupt) std::abort();
    return 0;
}
