"""The scientific evaluation of a call's eligible dossiers, up to the draft convention (issue 11).

- ``models``: EvaluatorProfile, Assignment, ConflictDeclaration, Evaluation, Score, Committee,
  Decision, Letter (imported by ``applications.models``);
- ``services``: invite an evaluator, assign by hand, declare a conflict (or none), score, submit,
  reopen, decline; the blind-call and visibility helpers;
- ``assignment``: the automatic assignment, a pure function over plain data, and ``propose`` /
  ``confirm`` around it;
- ``ranking``: the weighted total of an evaluation and the ranking of a call;
- ``decisions``: committee, decisions pending then applied together, letters in an outbox;
- ``handover``: a selected dossier becomes a draft convention;
- ``reminders``: the daily reminders to evaluators and the staff summary of late evaluations;
- ``permissions``: who sees what of a dossier under evaluation;
- ``emails``: the messages' default texts, registered in the messenger's catalogue.
"""
