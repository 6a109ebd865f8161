# Sourced by bin/run and bin/test: exports JAVA_HOME pointing at a JDK 25+, or stops
# with one line saying what is missing. The machine's default java may be 17.
java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
pick_jdk25() {
  local c v
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64 \
           /usr/lib/jvm/temurin-25* /usr/lib/jvm/java-25-openjdk* /usr/lib/jvm/jdk-25* /opt/java/openjdk; do
    [ -n "$c" ] && [ -x "$c/bin/java" ] || continue
    v=$(java_major "$c"); v=${v%%.*}
    if [ -n "$v" ] && [ "$v" -ge 25 ] 2>/dev/null; then export JAVA_HOME="$c"; export PATH="$c/bin:$PATH"; return 0; fi
  done
  echo "error: no JDK 25+ found (JAVA_HOME unset or older, nothing under /usr/lib/jvm/temurin-25*); install Temurin 25 or set JAVA_HOME to a JDK 25." >&2
  return 1
}
pick_jdk25 || exit 1
command -v mvn >/dev/null 2>&1 || { echo "error: Maven (mvn) is not on PATH; install it (apt-get install maven)." >&2; exit 1; }
