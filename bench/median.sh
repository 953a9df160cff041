# Sourced by the benches that time whole commands.
# Median wall time in milliseconds of REPEAT runs of the command (its output discarded; a failure stops the script).
median_ms() {
    local times=()
    for _ in $(seq "$REPEAT"); do
        local start end
        start=$(date +%s%N)
        "$@" > /dev/null 2>&1
        end=$(date +%s%N)
        times+=($(( (end - start) / 1000000 )))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
