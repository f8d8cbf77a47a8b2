" Socle rulesets (see editors/README.md): *.socle files have the filetype `socle`.
autocmd BufRead,BufNewFile *.socle setfiletype socle
