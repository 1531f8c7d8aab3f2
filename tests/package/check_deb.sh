#!/usr/bin/env bash
# Builds the .deb with cpack from a built tree and checks it without a network or a container:
# control fields (Depends from dpkg-shlibdeps), the file list, the genai-perf link, the extracted
# binaries and man page, and an install and clean removal with `dpkg --root` into a throwaway
# root. Usage: check_deb.sh <build dir> <version>. The full check on a clean Debian 12 (apt
# resolving Depends, `man aiperf`, the demo) is bench/package/clean_debian_install.sh.
set -euo pipefail
build=$1 version=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "check_deb: $*" >&2; exit 1; }

(cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; fail "cpack failed"; }
deb=$(ls "$work"/out/aiperf_*.deb)
# The MPI module's own package, when the build has the module (libopenmpi-dev installed).
mpideb=$(ls "$work"/out/aiperf-mpi_*.deb 2>/dev/null || true)
if [ -f "$build/src/libaiperf_mpi.so" ] && [ -z "$mpideb" ]; then fail "no aiperf-mpi package"; fi
[ "$(basename "$deb")" = "aiperf_${version}_$(dpkg --print-architecture).deb" ] || fail "unexpected name $deb"

field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = aiperf ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] || fail "Version: $(field Version)"
depends=$(field Depends)
for lib in libc6 libstdc++6 libssl3 libyaml-cpp0.7 libsimdjson libspdlog libpcre2-8-0 libsentencepiece; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib: $depends"
done
# dpkg-shlibdeps writes versioned dependencies; no development package may be required.
grep -q -- '-dev' <<<"$depends" && fail "Depends names a -dev package: $depends"

list=$(dpkg-deb -c "$deb")
for f in ./usr/bin/aiperf ./usr/bin/aiperf-mock-server \
         ./usr/share/bash-completion/completions/aiperf \
         ./usr/share/zsh/vendor-completions/_aiperf \
         ./usr/share/fish/vendor_completions.d/aiperf.fish \
         ./usr/share/man/man1/aiperf.1.gz ./usr/share/man/man1/aiperf-mock-server.1.gz; do
  grep -q " $f\$" <<<"$list" || fail "missing $f"
done
grep -q ' ./usr/bin/genai-perf -> aiperf$' <<<"$list" || fail "genai-perf is not a link to aiperf"
grep -q ' ./usr/local' <<<"$list" && fail "files under /usr/local"

dpkg-deb -x "$deb" "$work/x"
"$work/x/usr/bin/aiperf" --version | grep -q "$version" || fail "aiperf --version"
"$work/x/usr/bin/aiperf-mock-server" --help >/dev/null || fail "aiperf-mock-server --help"
if command -v man >/dev/null; then
  MANWIDTH=100 man -l "$work/x/usr/share/man/man1/aiperf.1.gz" 2>/dev/null | grep -q -- '--request-rate' \
    || fail "man page does not render the options"
fi
bash -c "source '$work/x/usr/share/bash-completion/completions/aiperf' && complete -p aiperf" >/dev/null \
  || fail "bash completion does not load"

if [ -n "$mpideb" ]; then
  mdep=$(dpkg-deb -f "$mpideb" Depends)
  grep -q "aiperf (= $version)" <<<"$mdep" || fail "aiperf-mpi Depends lacks aiperf (= $version): $mdep"
  grep -q libopenmpi3 <<<"$mdep" || fail "aiperf-mpi Depends lacks libopenmpi3: $mdep"
  grep -q libopenmpi <<<"$depends" && fail "aiperf itself depends on Open MPI: $depends"
  dpkg-deb -c "$mpideb" | grep -q ' ./usr/lib/aiperf/modules/libaiperf_mpi.so$' || fail "aiperf-mpi lacks the module"
  dpkg-deb -e "$mpideb" "$work/mctl"
  [ ! -e "$work/mctl/postinst" ] || fail "aiperf-mpi has a postinst (a private module needs no ldconfig)"
  dpkg-deb -x "$mpideb" "$work/m"
  nm -D --defined-only "$work/m/usr/lib/aiperf/modules/libaiperf_mpi.so" | grep -q ' aiperf_comm_open$' \
    || fail "the packaged MPI module does not export aiperf_comm_open"
fi

# Install and remove with dpkg into a throwaway root (dependencies are the host's libraries).
root=$work/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
dpkg --root="$root" --force-depends --force-not-root -i "$deb" >"$work/dpkg.log" 2>&1 \
  || { cat "$work/dpkg.log"; fail "dpkg -i failed"; }
dpkg --root="$root" -s aiperf | grep -q '^Status: install ok installed' || fail "not installed"
"$root/usr/bin/genai-perf" --version >/dev/null || fail "installed genai-perf does not run"
if [ -n "$mpideb" ]; then
  dpkg --root="$root" --force-depends --force-not-root -i "$mpideb" >>"$work/dpkg.log" 2>&1 \
    || { cat "$work/dpkg.log"; fail "dpkg -i aiperf-mpi failed"; }
  [ -f "$root/usr/lib/aiperf/modules/libaiperf_mpi.so" ] || fail "module not installed where aiperf looks"
  dpkg --root="$root" --force-not-root -r aiperf-mpi >>"$work/dpkg.log" 2>&1 \
    || { cat "$work/dpkg.log"; fail "dpkg -r aiperf-mpi failed"; }
fi
dpkg --root="$root" --force-not-root -r aiperf >>"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -r failed"; }
left=$(find "$root/usr" \( -type f -o -type l \) 2>/dev/null | head -5 || true)
[ -z "$left" ] || fail "files left after removal: $left"
echo "check_deb: $(basename "$deb") ok ($(du -k "$deb" | cut -f1) KiB; Depends: $depends)"
[ -z "$mpideb" ] || echo "check_deb: $(basename "$mpideb") ok ($(du -k "$mpideb" | cut -f1) KiB; Depends: $mdep)"
