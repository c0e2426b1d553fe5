# Sourced by Kiln's scripts: finds a JDK 25 and sets JAVA_HOME, PATH and MAVEN_OPTS.
# Order: $KILN_JAVA_HOME, $JAVA_HOME (if it is 25+), the usual install folders.

kiln_java_version() { # prints the major version of the java at $1/bin/java, or nothing
    [ -x "$1/bin/java" ] || return 0
    "$1/bin/java" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

kiln_find_jdk() {
    local candidates=()
    [ -n "${KILN_JAVA_HOME:-}" ] && candidates+=("$KILN_JAVA_HOME")
    [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
    candidates+=(/usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64 /usr/lib/jvm/java-25-openjdk-amd64)
    for d in /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/*; do
        [ -d "$d" ] && candidates+=("$d")
    done
    local c v
    for c in "${candidates[@]}"; do
        v=$(kiln_java_version "$c")
        if [ -n "$v" ] && [ "$v" -ge 25 ] && [ -x "$c/bin/javac" ]; then
            echo "$c"
            return 0
        fi
    done
    return 1
}

if ! KILN_JDK=$(kiln_find_jdk); then
    cat >&2 <<'MSG'
kiln: no JDK 25 found (Kiln needs JDK 25 or newer: it uses the Vector API and Java 25 language features).
  Looked at $KILN_JAVA_HOME, $JAVA_HOME and /usr/lib/jvm/*.
  Install one, e.g. Temurin 25 (https://adoptium.net) or `apt-get install temurin-25-jdk`
  from the Adoptium apt repository, then set KILN_JAVA_HOME=/path/to/jdk-25 if it is elsewhere.
MSG
    exit 1
fi
export JAVA_HOME="$KILN_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
# Maven itself on JDK 25 warns about sun.misc.Unsafe; this silences it (JDK 24+ only flag).
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
if ! command -v mvn >/dev/null 2>&1; then
    echo "kiln: Maven (mvn) not found; install it, e.g. apt-get install maven" >&2
    exit 1
fi
