"""Files a QA pass used, shared by the window tests that reproduce what it found."""

#: The QA's 3-class file: named classes, a weight column, row 10 giving class 'bird' p(cat) = 0,
#: and row 11 (line 12 of the file) labelled 'Cat' for class 'cat'.
QA_MC_CSV = """id,label,p_cat,p_dog,p_bird,weight
r1,cat,0.35,0.2,0.1,1
r2,dog,0.1,0.8,0.1,2
r3,bird,0.2,0.2,0.6,1
r4,cat,0.5,0.3,0.1,1.5
r5,dog,0.3,0.3,0.3,1
r6,bird,0.05,0.05,0.9,0.5
r7,bird,0.3,0.3,0.4,1
r8,cat,0.9,0.05,0.05,1
r9,dog,0.2,0.7,0.2,1
r10,bird,0,0.5,0.5,2
r11,Cat,0.6,0.2,0.2,1
"""
