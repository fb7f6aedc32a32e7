# bash completion for atmp-search, the terminal client of atmp-kb.
#
# Install as /usr/share/bash-completion/completions/atmp-search (or
# $PREFIX/share/bash-completion/completions/atmp-search), or source it from ~/.bashrc.
# Completes the options, the values of --type, --lang and --color, files for --db, the
# daemon's URL for --server, and after "show" the ids of the last search's hits.

_atmp_search_ids()
{
    local f=${XDG_CACHE_HOME:-}
    [[ $f == /* ]] || f=$HOME/.cache
    f=$f/atmp-kb/last-search.json
    [[ -r $f ]] || return
    # the file is one line of JSON written by atmp-search: {"id":"...","section":...} per hit
    grep -o '"id":"[^"]*"' "$f" | sed 's/^"id":"//; s/"$//'
}

_atmp_search()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} opt="" pre="" i
    local options="--server --db --json --limit --offset --type --lang --tag --source --timeout
        --color --help --version"
    COMPREPLY=()

    # --name=value, whether or not '=' splits words (COMP_WORDBREAKS)
    if [[ $cur == --*=* ]]; then
        opt=${cur%%=*}
        pre=$opt=  # '=' does not split words here: the reply keeps "--name="
        cur=${cur#*=}
    elif [[ $cur == = && $prev == --* ]]; then
        opt=$prev
        cur=""
    elif [[ $prev == = && COMP_CWORD -ge 2 ]]; then
        opt=${COMP_WORDS[COMP_CWORD-2]}
    elif [[ $prev == --* ]]; then
        opt=$prev
    fi

    local values=""
    case $opt in
    --type) values="guidance best-practice faq news minutes analysis" ;;
    --lang) values="da en" ;;
    --color) values="auto always never" ;;
    esac
    if [[ -n $values ]]; then
        COMPREPLY=($(compgen -P "$pre" -W "$values" -- "$cur"))
        return
    fi
    case $opt in
    --db)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
        return ;;
    --server)
        compopt -o nospace 2>/dev/null
        COMPREPLY=($(compgen -W "${ATMP_SERVER:-} http://127.0.0.1:8080" -- "$cur"))
        return ;;
    --limit | --offset | --tag | --source | --timeout)
        return ;;
    esac

    # the first word that is not an option or an option's value
    local first="" skip=0
    for ((i = 1; i < COMP_CWORD; i++)); do
        local w=${COMP_WORDS[i]}
        if ((skip)); then skip=0; continue; fi
        case $w in
        --) break ;;
        --server | --db | --limit | --offset | --type | --lang | --tag | --source | --timeout | --color)
            skip=1 ;;
        --* | = ) ;;
        *) first=$w; break ;;
        esac
    done

    if [[ $cur == --* ]]; then
        COMPREPLY=($(compgen -W "$options" -- "$cur"))
    elif [[ $first == show ]]; then
        COMPREPLY=($(compgen -W "$(_atmp_search_ids)" -- "$cur"))
    elif [[ -z $first ]]; then
        COMPREPLY=($(compgen -W "show" -- "$cur"))
    fi
}

complete -F _atmp_search atmp-search
