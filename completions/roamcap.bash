#!/bin/bash

__roamcap_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__roamcap_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__roamcap_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__roamcap_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_roamcap() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __roamcap_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    info|convert|merge|rewrite|tables|synth|topology|simulate|flows|timeline|combine|bgp|verify|report|help)
        # Offer subcommand argument completions
        "_roamcap_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'info convert merge rewrite tables synth topology simulate flows timeline combine bgp verify report help' -- "${cur}"))
        ;;
    esac
}

_roamcap_info() {
    repeating_flags=()
    non_repeating_flags=(--keep-going --version -h --help)
    repeating_options=()
    non_repeating_options=(--format)
    __roamcap_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--format')
        __roamcap_add_completions -W 'table'$'\n''json'$'\n''ndjson'$'\n''csv'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __roamcap_add_completions -f
        return
        ;;
    esac
}

_roamcap_convert() {
    repeating_flags=()
    non_repeating_flags=(--force --strict-vlan --keep-going --version -h --help)
    repeating_options=()
    non_repeating_options=(--packets -o --output --output-format --compress -f --filter --from --until -c --count)
    __roamcap_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--packets')
        return
        ;;
    '-o'|'--output')
        __roamcap_add_completions -f
        return
        ;;
    '--output-format')
        __roamcap_add_completions -W 'pcap'$'\n''pcapng'
        return
        ;;
    '--compress')
        __roamcap_add_completions -W 'zstd'$'\n''none'
        return
        ;;
    '-f'|'--filter')
        return
        ;;
    '--from')
        return
        ;;
    '--until')
        return
        ;;
    '-c'|'--count')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __roamcap_add_completions -f
        return
        ;;
    esac
}

_roamcap_merge() {
    repeating_flags=()
    non_repeating_flags=(--force --strict-vlan --keep-going --version -h --help)
    repeating_options=(--offset)
    non_repeating_options=(-o --output --output-format --compress -f --filter --from --until -c --count)
    __roamcap_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-o'|'--output')
        __roamcap_add_completions -f
        return
        ;;
    '--output-format')
        __roamcap_add_completions -W 'pcap'$'\n''pcapng'
        return
        ;;
    '--compress')
        __roamcap_add_completions -W 'zstd'$'\n''none'
        return
        ;;
    '-f'|'--filter')
        return
        ;;
    '--from')
        return
        ;;
    '--until')
        return
        ;;
    '-c'|'--count')
        return
        ;;
    '--offset')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __roamcap_add_completions -f
        return
        ;;
    esac
}

_roamcap_rewrite() {
    repeating_flags=()
    non_repeating_flags=(--force --learn --annotate --dry-run --strict-vlan --keep-going --version -h --help)
    repeating_options=(--notifications --table --vm-side)
    non_repeating_options=(-o --output -O --output-directory --output-format --compress --topology -j -f --filter --from --until -c --count --format)
    __roamcap_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-o'|'--output')
        __roamcap_add_completions -f
        return
        ;;
    '-O'|'--output-directory')
        __roamcap_add_completions -d
        return
        ;;
    '--output-format')
        __roamcap_add_completions -W 'pcap'$'\n''pcapng'
        return
        ;;
    '--compress')
        __roamcap_add_completions -W 'zstd'$'\n''none'
        return
        ;;
    '--notifications')
        __roamcap_add_completions -f
        return
        ;;
    '--table')
        __roamcap_add_completions -f
        return
        ;;
    '--vm-side')
        return
        ;;
    '--topology')
        __roamcap_add_completions -f
        return
        ;;
    '-j')
        return
        ;;
    '-f'|'--filter')
        return
        ;;
    '--from')
        return
        ;;
    '--until')
        return
        ;;
    '-c'|'--count')
        return
        ;;
    '--format')
        __roamcap_add_completions -W 'table'$'\n''json'$'\n''ndjson'$'\n''csv'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __roamcap_add_completions -f
        return
        ;;
    esac
}

_roamcap_tables() {
    repeating_flags=()
    non_repeating_flags=(--wide --relative --strict-vlan --keep-going --force --version -h --help)
    repeating_options=(--bgp-port --bmp-port --vxlan-port)
    non_repeating_options=(--topology --at --mac --ip --vlan --aging --duplicate-moves --duplicate-window --duplicate-ip-window --format -f --filter --from --until -c --count --read-filter --timeline --shard -o --output)
    __roamcap_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--topology')
        __roamcap_add_completions -f
        return
        ;;
    '--at')
        return
        ;;
    '--mac')
        return
        ;;
    '--ip')
        return
        ;;
    '--vlan')
        return
        ;;
    '--aging')
        return
        ;;
    '--duplicate-moves')
        return
        ;;
    '--duplicate-window')
        return
        ;;
    '--duplicate-ip-window')
        return
        ;;
    '--bgp-port')
        return
        ;;
    '--bmp-port')
        return
        ;;
    '--format')
        __roamcap_add_completions -W 'table'$'\n''json'$'\n''ndjson'$'\n''csv'
        return
        ;;
    '-f'|'--filter')
        return
        ;;
    '--from')
        return
        ;;
    '--until')
        return
        ;;
    '-c'|'--count')
        return
        ;;
    '--read-filter')
        return
        ;;
    '--vxlan-port')
        return
        ;;
    '--timeline')
        __roamcap_add_completions -f
        return
        ;;
    '--shard')
        return
        ;;
    '-o'|'--output')
        __roamcap_add_completions -f
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __roamcap_add_completions -f
        return
        ;;
    esac
}

_roamcap_synth() {
    repeating_flags=()
    non_repeating_flags=(--force --version -h --help)
    repeating_options=()
    non_repeating_options=(-o --output --topology-output --compress --format)
    __roamcap_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-o'|'--output')
        __roamcap_add_completions -f
        return
        ;;
    '--topology-output')
        __roamcap_add_completions -f
        return
        ;;
    '--compress')
        __roamcap_add_completions -W 'zstd'$'\n''none'
        return
        ;;
    '--format')
        __roamcap_add_completions -W 'table'$'\n''json'$'\n''ndjson'$'\n''csv'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __roamcap_add_completions -f
        return
        ;;
    esac
}

_roamcap_topology() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __roamcap_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    check)
        # Offer subcommand argument completions
        "_roamcap_topology_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'check' -- "${cur}"))
        ;;
    esac
}

_roamcap_topology_check() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=(--bgp-port --bmp-port)
    non_repeating_options=(--format)
    __roamcap_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--bgp-port')
        return
        ;;
    '--bmp-port')
        return
        ;;
    '--format')
        __roamcap_add_completions -W 'table'$'\n''json'$'\n''ndjson'$'\n''csv'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __roamcap_add_completions -f
        return
        ;;
    *)
        __roamcap_add_completions -f
        return
        ;;
    esac
}

_roamcap_simulate() {
    repeating_flags=()
    non_repeating_flags=(--force --wide --relative --strict-vlan --keep-going --version -h --help)
    repeating_options=(--policy --advertise-delay --bgp-port --bmp-port --vxlan-port)
    non_repeating_options=(--topology --aging --unknown-unicast --control-plane -o --output --trace-policy --decisions --output-format --compress --format -f --filter --from --until -c --count --read-filter --timeline --shard)
    __roamcap_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--topology')
        __roamcap_add_completions -f
        return
        ;;
    '--policy')
        __roamcap_add_completions -W 'igp-only'$'\n''flood'$'\n''flood-confirmed'$'\n''ideal'
        return
        ;;
    '--advertise-delay')
        return
        ;;
    '--aging')
        return
        ;;
    '--unknown-unicast')
        __roamcap_add_completions -W 'flood'$'\n''drop'
        return
        ;;
    '--control-plane')
        __roamcap_add_completions -W 'assumed'$'\n''captured'
        return
        ;;
    '--bgp-port')
        return
        ;;
    '--bmp-port')
        return
        ;;
    '-o'|'--output')
        __roamcap_add_completions -f
        return
        ;;
    '--trace-policy')
        __roamcap_add_completions -W 'igp-only'$'\n''flood'$'\n''flood-confirmed'$'\n''ideal'
        return
        ;;
    '--decisions')
        __roamcap_add_completions -f
        return
        ;;
    '--output-format')
        __roamcap_add_completions -W 'pcap'$'\n''pcapng'
        return
        ;;
    '--compress')
        __roamcap_add_completions -W 'zstd'$'\n''none'
        return
        ;;
    '--format')
        __roamcap_add_completions -W 'table'$'\n''json'$'\n''ndjson'$'\n''csv'
        return
        ;;
    '-f'|'--filter')
        return
        ;;
    '--from')
        return
        ;;
    '--until')
        return
        ;;
    '-c'|'--count')
        return
        ;;
    '--read-filter')
        return
        ;;
    '--vxlan-port')
        return
        ;;
    '--timeline')
        __roamcap_add_completions -f
        return
        ;;
    '--shard')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __roamcap_add_completions -f
        return
        ;;
    esac
}

_roamcap_flows() {
    repeating_flags=()
    non_repeating_flags=(--outages-only --silence-runs --no-silence-runs --force --learn --wide --relative --strict-vlan --keep-going --version -h --help)
    repeating_options=(--notifications --table --policy --advertise-delay --vxlan-port)
    non_repeating_options=(--topology --top --silence --migration-window --idle-timeout --uid -o --output --aging --unknown-unicast --format -f --filter --from --until -c --count --read-filter --timeline --shard)
    __roamcap_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--topology')
        __roamcap_add_completions -f
        return
        ;;
    '--top')
        return
        ;;
    '--silence')
        return
        ;;
    '--migration-window')
        return
        ;;
    '--idle-timeout')
        return
        ;;
    '--uid')
        return
        ;;
    '-o'|'--output')
        return
        ;;
    '--notifications')
        __roamcap_add_completions -f
        return
        ;;
    '--table')
        __roamcap_add_completions -f
        return
        ;;
    '--policy')
        __roamcap_add_completions -W 'igp-only'$'\n''flood'$'\n''flood-confirmed'$'\n''ideal'
        return
        ;;
    '--advertise-delay')
        return
        ;;
    '--aging')
        return
        ;;
    '--unknown-unicast')
        __roamcap_add_completions -W 'flood'$'\n''drop'
        return
        ;;
    '--format')
        __roamcap_add_completions -W 'table'$'\n''json'$'\n''ndjson'$'\n''csv'
        return
        ;;
    '-f'|'--filter')
        return
        ;;
    '--from')
        return
        ;;
    '--until')
        return
        ;;
    '-c'|'--count')
        return
        ;;
    '--read-filter')
        return
        ;;
    '--vxlan-port')
        return
        ;;
    '--timeline')
        __roamcap_add_completions -f
        return
        ;;
    '--shard')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __roamcap_add_completions -f
        return
        ;;
    esac
}

_roamcap_timeline() {
    repeating_flags=()
    non_repeating_flags=(--keep-going --force --version -h --help)
    repeating_options=(--policy --advertise-delay --bgp-port --bmp-port --vxlan-port)
    non_repeating_options=(--topology --shards --aging --unknown-unicast --read-filter --control-plane --duplicate-moves --duplicate-window --duplicate-ip-window -o --output --format)
    __roamcap_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--topology')
        __roamcap_add_completions -f
        return
        ;;
    '--shards')
        return
        ;;
    '--policy')
        __roamcap_add_completions -W 'igp-only'$'\n''flood'$'\n''flood-confirmed'$'\n''ideal'
        return
        ;;
    '--advertise-delay')
        return
        ;;
    '--aging')
        return
        ;;
    '--unknown-unicast')
        __roamcap_add_completions -W 'flood'$'\n''drop'
        return
        ;;
    '--read-filter')
        return
        ;;
    '--control-plane')
        __roamcap_add_completions -W 'assumed'$'\n''captured'
        return
        ;;
    '--bgp-port')
        return
        ;;
    '--bmp-port')
        return
        ;;
    '--duplicate-moves')
        return
        ;;
    '--duplicate-window')
        return
        ;;
    '--duplicate-ip-window')
        return
        ;;
    '--vxlan-port')
        return
        ;;
    '-o'|'--output')
        __roamcap_add_completions -f
        return
        ;;
    '--format')
        __roamcap_add_completions -W 'table'$'\n''json'$'\n''ndjson'$'\n''csv'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __roamcap_add_completions -f
        return
        ;;
    esac
}

_roamcap_combine() {
    repeating_flags=()
    non_repeating_flags=(--force --wide --relative --version -h --help)
    repeating_options=()
    non_repeating_options=(-o --output --format)
    __roamcap_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-o'|'--output')
        __roamcap_add_completions -f
        return
        ;;
    '--format')
        __roamcap_add_completions -W 'table'$'\n''json'$'\n''ndjson'$'\n''csv'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __roamcap_add_completions -f
        return
        ;;
    esac
}

_roamcap_bgp() {
    repeating_flags=()
    non_repeating_flags=(--keep-going --version -h --help)
    repeating_options=(--bgp-port --bmp-port)
    non_repeating_options=(--topology --format)
    __roamcap_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--bgp-port')
        return
        ;;
    '--bmp-port')
        return
        ;;
    '--topology')
        return
        ;;
    '--format')
        __roamcap_add_completions -W 'table'$'\n''json'$'\n''ndjson'$'\n''csv'
        return
        ;;
    esac
}

_roamcap_verify() {
    repeating_flags=()
    non_repeating_flags=(--tap --wide --verbose --version -h --help)
    repeating_options=()
    non_repeating_options=(--format --junit -j)
    __roamcap_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--format')
        __roamcap_add_completions -W 'table'$'\n''json'$'\n''ndjson'$'\n''csv'
        return
        ;;
    '--junit')
        return
        ;;
    '-j')
        return
        ;;
    esac
}

_roamcap_report() {
    repeating_flags=()
    non_repeating_flags=(--force --keep-going --learn --version -h --help)
    repeating_options=(--notifications --table --policy --advertise-delay)
    non_repeating_options=(-o --output --topology --top-flows --max-events --aging --unknown-unicast)
    __roamcap_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-o'|'--output')
        return
        ;;
    '--topology')
        return
        ;;
    '--top-flows')
        return
        ;;
    '--max-events')
        return
        ;;
    '--notifications')
        __roamcap_add_completions -f
        return
        ;;
    '--table')
        __roamcap_add_completions -f
        return
        ;;
    '--policy')
        __roamcap_add_completions -W 'igp-only'$'\n''flood'$'\n''flood-confirmed'$'\n''ideal'
        return
        ;;
    '--advertise-delay')
        return
        ;;
    '--aging')
        return
        ;;
    '--unknown-unicast')
        __roamcap_add_completions -W 'flood'$'\n''drop'
        return
        ;;
    esac
}

_roamcap_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __roamcap_offer_flags_options -1
}

complete -o filenames -F _roamcap roamcap
