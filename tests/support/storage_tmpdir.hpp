// A fresh directory for a storage test, removed when it goes out of scope:
// under $E2EKIT_TEST_TMPDIR, else the build tree's tests/tmp, else /tmp.
#ifndef E2EKIT_TESTS_SUPPORT_STORAGE_TMPDIR_HPP
#define E2EKIT_TESTS_SUPPORT_STORAGE_TMPDIR_HPP

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

#include <unistd.h>

namespace e2ekit::test {

class storage_tmpdir {
public:
    explicit storage_tmpdir(const std::string& name) {
        static std::atomic<unsigned> counter{0};
        std::filesystem::path base;
        if (const char* env = std::getenv("E2EKIT_TEST_TMPDIR"); env && *env)
            base = env;
        else
#ifdef E2EKIT_TEST_TMPDIR
            base = E2EKIT_TEST_TMPDIR;
#else
            base = "/tmp";
#endif
        std::filesystem::create_directories(base);
        path_ = base / ("storage-" + name + "-" + std::to_string(::getpid()) + "-" +
                        std::to_string(counter++));
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    storage_tmpdir(const storage_tmpdir&) = delete;
    storage_tmpdir& operator=(const storage_tmpdir&) = delete;
    ~storage_tmpdir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    /// The store's directory (not yet created).
    const std::filesystem::path& path() const noexcept {
        return path_;
    }
    std::filesystem::path log() const {
        return path_ / "e2ekit.log";
    }

private:
    std::filesystem::path path_;
};

} // namespace e2ekit::test

#endif
