"""Customer records (고객 데이터베이스): customers, consent, interactions, orders, their links to contacts
and responses, imports, the customer page and the person's rights (열람·정정·삭제)."""
