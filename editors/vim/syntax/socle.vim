" Vim syntax file
" Language:   Socle (rules of French social aid to elderly people)
" Filenames:  *.socle
" Keep in step with grammar/src/socle.pest and editors/vscode/syntaxes/socle.tmLanguage.json;
" editors/test checks a few groups with Neovim.

if exists('b:current_syntax')
  finish
endif
let s:cpo_save = &cpo
set cpo&vim

syn case match
" Words are letters (accented too), digits and `_`.
syn iskeyword @,48-57,_,192-255

" Priorities: a keyword beats a match starting at the same place; between matches, the one
" defined last wins. `à`, `au`, `contient`… are therefore matches, so that the phrases defined
" after them (`à partir du`, `au centime`, `contient un de`) win.

" ---------------------------------------------------------------- words
syn keyword socleDeclaration importe énumération enumeration structure entrée entree
      \ paramètre parametre barème bareme valeur condition fonction dispositif cumul
      \ nextgroup=socleDeclName skipwhite
syn keyword socleStatement si alors sinon sauf
syn keyword socleStatement soit nextgroup=socleDeclName skipwhite
syn keyword socleStatement résultat resultat
syn keyword socleClause message exclut subsidiaire cumulable
syn keyword socleBoolean vrai faux
syn keyword socleConstant infini
syn keyword socleDecisionDate date_décision date_decision
" A name after a declaration keyword, but not the markers `de versement` and `versée`, which
" come first (`condition de versement NOM`, `valeur versée NOM`) and then lead to the name.
syn match socleDeclName "\%(de\s\+versement\>\|vers\%(ée\|ee\)\s\+\k\)\@!\k\+" contained
syn match socleDeclaration "\%(\<condition\s\+\)\@<=de\s\+versement\>" nextgroup=socleDeclName skipwhite
syn match socleDeclaration "\%(\<valeur\s\+\)\@<=vers\%(ée\|ee\)\>\ze\s\+\k" nextgroup=socleDeclName skipwhite
" `cumul A versée exclut B`, `cumul B subsidiaire à A versée`: the winner counts when paid.
syn match socleClause "\<vers\%(ée\|ee\|é\|e\)\>\ze\s\+\%(exclut\|subsidiaire\|cumulable\)\>"
syn match socleClause "\<vers\%(ée\|ee\|é\|e\)\>\ze\s*\%(#.*\)\=$"

syn match socleOperatorWord "\<\%(et\|ou\|non\|dans\|contient\|au\|à\)\>"
syn match socleOperatorWord "\%(\<contient\s\+\)\@<=\<un\s\+de\>"
syn match socleClause "\%(\<subsidiaire\s\+\)\@<=\<[àa]\>"
syn match socleClause "\%(\<cumulable\s\+\)\@<=\<avec\>"
syn match socleClause "\<tranches\s\+sur\>"
syn match socleClause "\<colonnes\>\ze\s\+\k"
syn match socleClause "\<tranche\>\ze\s\+\d"
syn match socleValidity "\<[àa]\s\+partir\s\+du\>"
" Contextual words (not reserved): condition groups, messages per outcome, quantifiers.
syn match socleDeclaration "\<groupe\s\+de\s\+conditions\>" nextgroup=socleDeclName skipwhite
syn match socleClause "^\s\+\zsconditions\>\ze\s\+\k"
syn match socleClause "\<satisfaite\>"
syn match socleOperatorWord "\<tous\s\+les\>"
syn match socleOperatorWord "\<au\s\+moins\s\+un\>"
syn match socleOperatorWord "\<aucun\>"
syn match socleOperatorWord "\<\%(ne\s\+\)\=\%(vérifient\|verifient\|vérifie\|verifie\)\>"
syn match socleOperatorWord "\<\%(nombre\|somme\)\s\+de\>"
syn match socleOperatorWord "\<\%(tels\|telles\|tel\|telle\)\s\+que\>"
syn match socleOperatorWord "\<pour\s\+chaque\>"
syn match socleValidity "\<jusqu['’]au\>"
syn match socleRounding "\<au\s\+centime\>\%(\s\+\%(inférieur\|inferieur\|supérieur\|superieur\|le\s\+plus\s\+proche\)\>\)\="
syn match socleRounding "\<[àa]\s\+l['’]euro\>\%(\s\+\%(inférieur\|inferieur\|supérieur\|superieur\|le\s\+plus\s\+proche\)\>\)\="

" Types: after `:`, `->`, `liste de`, `table`, `tranches sur`; `montant` before a money unit.
syn match socleType "\%(\%([:>→]\|\<de\|\<table\|\<sur\)\s*\)\@<=\<\%(booléen\|booleen\|entier\|décimal\|decimal\|taux\|date\|durée\|duree\|texte\|montant\)\>\ze\s*\%($\|[€/?,)=#;]\|->\|→\|source\>\)"
syn match socleType "\<montant\>\ze\s*€"
syn match socleType "\<liste\s\+de\>"
syn match socleType "\%(:\s*\)\@<=\<table\>"

syn match socleBuiltin "\<\%(min\|max\|plafond\|plancher\|abs\|âge\|age\|mois_entre\|jours_entre_inclus\|jours_entre\|début_année\|debut_annee\|année\|annee\|jour\|jours_du_mois\|fin_de_mois\|début_mois_suivant\|debut_mois_suivant\|mensuel\|annuel\|nombre\|nombre_distincts\|renseigné\|renseigne\|valeur_par_défaut\|valeur_par_defaut\|tranche\)\>\ze\s*("
syn match socleBuiltin "\<arrondi\>"

" ---------------------------------------------------------------- literals
syn match socleOperator "≠\|!=\|≤\|<=\|≥\|>=\|==\|=>\|->\|→\|\.\.\|[=<>+\-−×*÷/?|]"
syn match socleNumber "\k\@<!\d\%(\d\|[_\u00a0\u202f]\d\@=\)*\%([,.]\d\@=\d\%(\d\|[_\u00a0\u202f]\d\@=\)*\)\="
syn match socleDate "\k\@<!\d\{4}-\d\d-\d\d\d\@!"
syn match socleUnit "€\%(/\%(heure\|jour\|mois\|an\)\>\)\="
syn match socleUnit "%"
syn match socleUnit "\%(\d[ \t\u00a0\u202f]*\)\@<=\<\%(ans\|an\|mois\|jours\|jour\|heures\|heure\)\>"
syn match socleConstant "+\=∞"

syn region socleString start=+"+ skip=+\\.+ end=+"+ end=+$+ contains=socleEscape,socleInterpolation
syn match socleEscape +\\.+ contained
syn region socleInterpolation matchgroup=socleInterpolationDelim start=+{+ end=+}+ end=+\ze"+ contained contains=socleBuiltin,socleDecisionDate,socleOperator,socleNumber

" `source "…" (références)`: the citation and its parenthesised references.
syn keyword socleSource source nextgroup=socleSourceString skipwhite
syn region socleSourceString start=+"+ skip=+\\.+ end=+"+ end=+$+ contained contains=socleEscape nextgroup=socleCitation skipwhite
syn region socleCitation matchgroup=socleCitationDelim start=+(+ end=+)+ end=+$+ contained contains=socleCitationGroup
syn region socleCitationGroup start=+(+ end=+)+ end=+$+ contained transparent contains=socleCitationGroup

" ---------------------------------------------------------------- comments
syn keyword socleTodo TODO FIXME XXX contained
syn match socleComment "#.*$" contains=socleTodo,@Spell
syn match socleDocComment "##.*$" contains=socleTodo,@Spell

" ---------------------------------------------------------------- colours
hi def link socleDeclaration      Keyword
hi def link socleDeclName         Function
hi def link socleStatement        Conditional
hi def link socleClause           Keyword
hi def link socleValidity         Label
hi def link socleRounding         Keyword
hi def link socleOperatorWord     Operator
hi def link socleOperator         Operator
hi def link socleBoolean          Boolean
hi def link socleConstant         Constant
hi def link socleDecisionDate     Special
hi def link socleType             Type
hi def link socleBuiltin          Function
hi def link socleNumber           Number
hi def link socleDate             Constant
hi def link socleUnit             StorageClass
hi def link socleString           String
hi def link socleEscape           SpecialChar
hi def link socleInterpolationDelim Special
hi def link socleInterpolation    Identifier
hi def link socleSource           PreProc
hi def link socleSourceString     String
hi def link socleCitation         Special
hi def link socleCitationDelim    Special
hi def link socleTodo             Todo
hi def link socleComment          Comment
hi def link socleDocComment       SpecialComment

let b:current_syntax = 'socle'
let &cpo = s:cpo_save
unlet s:cpo_save
