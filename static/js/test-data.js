/*
 * The payment page's "Test data" box (KLARNA_TEST_DATA): each "Use" button puts its playground
 * e-mail into the details form's Email field and opens that form, so the shopper saves it.
 * The buttons stay hidden without JavaScript, where the e-mails can still be copied.
 */

/** The details form's Email field; looked up on each click, as cart edits re-render the form. */
const emailField = () => document.querySelector("#delivery .details-form input[name='email']");

function useEmail(email, status) {
  const field = emailField();
  if (!field) return;
  field.closest("details").open = true;
  field.value = email;
  field.focus();
  status.textContent = `${email} is in the Email field: save your details to use it.`;
}

const box = document.getElementById("test-data");
if (box) {
  const status = document.getElementById("test-data-status");
  for (const button of box.querySelectorAll("button[data-test-email]")) {
    button.hidden = false;
    button.addEventListener("click", () => useEmail(button.dataset.testEmail, status));
  }
}
