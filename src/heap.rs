//! Process set-up for programs built on the library (the `bulletin` binary, the benchmark's
//! examples): asks glibc's malloc for transparent huge pages. A library must not call this; it
//! starts the calling program again.
//!
//! Why: lopdf holds all of a document's objects at once, so a 500-page file touches tens of MB
//! of fresh memory. In 4 KiB pages that costs one page fault per page touched, about a tenth of
//! the file's time on a virtual machine (bench/PROFILE.md, "Fourth pass"). In 2 MiB pages it
//! costs 500 times fewer faults. glibc backs its heap with them only when asked through the
//! `GLIBC_TUNABLES` environment variable, which it reads once at start-up.

/// glibc's setting for transparent huge pages on the malloc heap.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub const TUNABLE: &str = "glibc.malloc.hugetlb=1";

/// Starts the program again, once, with [`TUNABLE`] in its environment, when the system gives
/// transparent huge pages only to memory that asks for them (the `madvise` mode, the default of
/// many distributions). The new start replaces this process: same process id, same arguments,
/// same open files, and its exit code is the program's.
///
/// Returns, and the program goes on with the default heap, when the setting would change
/// nothing (another operating system or C library, huge pages `always` or `never`), when
/// `GLIBC_TUNABLES` is already set (so an empty value opts out), or when the program cannot be
/// started again.
pub fn prefer_huge_pages() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::os::unix::process::CommandExt;
        if std::env::var_os("GLIBC_TUNABLES").is_some() || !huge_pages_on_request() {
            return;
        }
        let mut args = std::env::args_os();
        let Some(name) = args.next() else { return };
        // `exec` returns only when it failed. /proc/self/exe is this very binary, even if the
        // file was replaced on disk since it started.
        let _failed = std::process::Command::new("/proc/self/exe")
            .arg0(name)
            .args(args)
            .env("GLIBC_TUNABLES", TUNABLE)
            .exec();
    }
}

/// Whether the kernel's transparent huge pages are in `madvise` mode.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn huge_pages_on_request() -> bool {
    std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled")
        .is_ok_and(|modes| modes.contains("[madvise]"))
}
