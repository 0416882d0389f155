"""Function words: shingles made only of these ("one of the", "as well as") say nothing about a story.

Data, not logic; lower-case, already casefolded.
"""

_WORDS = """
    a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours ourselves out over
    own same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours yourself yourselves said says say one two new
    der die das und ist nicht ein eine zu den von mit sich des auf für im dem le la les de des du et
    un une est en que qui dans pour pas sur el los las del y por con para es
"""

STOPWORDS: frozenset[str] = frozenset(_WORDS.split())
