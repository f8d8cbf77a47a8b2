" Headless check of syntax/socle.vim, run by editors/test:
"   nvim --headless --clean -u NONE -S editors/vim/test/check.vim
" Opens shipped rulesets and asserts the syntax group at chosen places, then (with
" $SOCLE_VIM_MOTS) that every keyword of socle.pest is highlighted. Writes one line per
" check (« ok … » or « échec … ») to the file named by $SOCLE_VIM_RESULTAT, then quits;
" exits non-zero when a check failed.

let s:vim_dir = expand('<sfile>:p:h:h')
let s:repo = fnamemodify(s:vim_dir, ':h:h')
let s:out = []
let s:failed = 0

" Detection was set up at startup, before editors/vim was on 'runtimepath': start it again.
filetype off
execute 'set runtimepath^=' . fnameescape(s:vim_dir)
set nomore shortmess+=F
filetype plugin on
syntax enable

" [file, pattern (very magic off), byte offset inside the match, expected group]
let s:checks = [
      \ ['rulesets/national/apa_domicile.socle', '^paramètre coefficient_gir', 0, 'socleDeclaration'],
      \ ['rulesets/national/apa_domicile.socle', '^paramètre \zscoefficient_gir', 0, 'socleDeclName'],
      \ ['rulesets/national/apa_domicile.socle', '^# Jeu de règles', 0, 'socleComment'],
      \ ['rulesets/national/apa_domicile.socle', '^## Coefficient', 3, 'socleDocComment'],
      \ ['rulesets/national/apa_domicile.socle', ': \zstable entier -> décimal', 0, 'socleType'],
      \ ['rulesets/national/apa_domicile.socle', ': table \zsentier -> décimal', 0, 'socleType'],
      \ ['rulesets/national/apa_domicile.socle', '^\s*\zsà partir du 2016-03-01', 0, 'socleValidity'],
      \ ['rulesets/national/apa_domicile.socle', 'à partir du \zs2016-03-01', 0, 'socleDate'],
      \ ['rulesets/national/apa_domicile.socle', 'à partir du \zs2016-03-01', 9, 'socleDate'],
      \ ['rulesets/national/apa_domicile.socle', '1 => \zs1,553', 0, 'socleNumber'],
      \ ['rulesets/national/apa_domicile.socle', '1 => \zs1,553', 4, 'socleNumber'],
      \ ['rulesets/national/apa_domicile.socle', '^\s*\zssource "décret 2016-210"', 0, 'socleSource'],
      \ ['rulesets/national/apa_domicile.socle', 'source \zs"décret 2016-210"', 3, 'socleSourceString'],
      \ ['rulesets/national/dossier.socle', '^\zsénumération situation_familiale', 0, 'socleDeclaration'],
      \ ['rulesets/national/dossier.socle', 'date_naissance : \zsdate$', 0, 'socleType'],
      \ ['rulesets/national/aide_sociale.socle', 'âge(demandeur', 0, 'socleBuiltin'],
      \ ['rulesets/national/aide_sociale.socle', 'date_naissance, \zsdate_décision', 0, 'socleDecisionDate'],
      \ ['rulesets/national/aide_sociale.socle', '= 65 \zsans', 0, 'socleUnit'],
      \ ['rulesets/national/aide_sociale.socle', '^\s*\zssauf si', 0, 'socleStatement'],
      \ ['rulesets/bas-rhin/aide_menagere.socle', '^\s*message "\zsâge', 0, 'socleString'],
      \ ['rulesets/bas-rhin/aide_menagere.socle', '^\s*\zsmessage "âge', 0, 'socleClause'],
      \ ['rulesets/bas-rhin/aide_menagere.socle', '{\zsnational.age_minimum', 0, 'socleInterpolation'],
      \ ['rulesets/bas-rhin/aide_menagere.socle', '" (\zsBR-AM-1, BR-AS-1)', 0, 'socleCitation'],
      \ ['rulesets/bas-rhin/aide_menagere.socle', '= 0,76 \zs€/heure', 3, 'socleUnit'],
      \ ['rulesets/bas-rhin/aide_menagere.socle', '= 60 \zs%', 0, 'socleUnit'],
      \ ['rulesets/bas-rhin/aide_menagere.socle', '^\s*\zstranche 8', 0, 'socleClause'],
      \ ['rulesets/bas-rhin/aide_menagere.socle', '1427 € ; \zs∞', 0, 'socleConstant'],
      \ ['rulesets/bas-rhin/aide_menagere.socle', '^barème participation_amc : \zstranches sur', 0, 'socleClause'],
      \ ['rulesets/bas-rhin/aide_menagere.socle', '^cumul apa_domicile \zsexclut', 0, 'socleClause'],
      \ ['rulesets/bas-rhin/aide_menagere.socle', '^\s*\zsdispositif aide_menagere', 0, 'socleDeclaration'],
      \ ]

let s:current = ''
for [s:file, s:pattern, s:offset, s:expected] in s:checks
  if s:file !=# s:current
    execute 'silent edit! ' . fnameescape(s:repo . '/' . s:file)
    let s:current = s:file
    if &filetype !=# 'socle'
      call add(s:out, 'échec ' . s:file . ' : filetype « ' . &filetype . ' », attendu « socle »')
      let s:failed += 1
    endif
  endif
  call cursor(1, 1)
  let [s:line, s:col] = searchpos(s:pattern, 'cW')
  if s:line == 0
    call add(s:out, 'échec ' . s:file . ' : motif introuvable ' . string(s:pattern))
    let s:failed += 1
    continue
  endif
  let s:col += s:offset
  let s:group = synIDattr(synID(s:line, s:col, 1), 'name')
  let s:where = s:file . ':' . s:line . ':' . s:col . ' ' . string(s:pattern)
  if s:group ==# s:expected
    call add(s:out, 'ok ' . s:where . ' → ' . s:group)
  else
    call add(s:out, 'échec ' . s:where . ' → « ' . s:group . ' », attendu « ' . s:expected . ' »')
    let s:failed += 1
  endif
endfor

let s:count = len(s:checks)

" Every keyword of socle.pest, in a line where the language gives it its meaning: « mot<TAB>ligne »
" lines from `node editors/vscode/test/helpers/pest.js`, in the file named by $SOCLE_VIM_MOTS.
if !empty($SOCLE_VIM_MOTS)
  let s:samples = map(readfile($SOCLE_VIM_MOTS), 'split(v:val, "\t")')
  enew!
  setfiletype socle
  call setline(1, map(copy(s:samples), 'v:val[1]'))
  let s:lnum = 0
  for [s:word, s:text] in s:samples
    let s:lnum += 1
    let s:count += 1
    let s:col = stridx(s:text, s:word) + 1
    let s:groups = []
    for s:c in range(s:col, s:col + strlen(s:word) - 1)
      if s:text[s:c - 1] !=# ' '
        call add(s:groups, synIDattr(synID(s:lnum, s:c, 1), 'name'))
      endif
    endfor
    call uniq(sort(s:groups))
    if index(s:groups, '') >= 0 || index(s:groups, 'socleDeclName') >= 0
      call add(s:out, 'échec mot-clé « ' . s:word . ' » dans « ' . s:text . ' » → ' . string(s:groups))
      let s:failed += 1
    else
      call add(s:out, 'ok mot-clé « ' . s:word . ' » → ' . join(s:groups, ' '))
    endif
  endfor
endif

call add(s:out, printf('%d vérifications, %d en échec', s:count, s:failed))
call writefile(s:out, empty($SOCLE_VIM_RESULTAT) ? '/dev/stdout' : $SOCLE_VIM_RESULTAT)
if s:failed > 0
  cquit 1
endif
qall!
