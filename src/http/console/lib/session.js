// Who is signed in and the words of the filters, loaded once by main.js before any page renders.
export const session = {
  /** GET /console/api/me: name, role, township, can[action], csrfToken, today (the server's date) */
  me: null,
  /** GET /console/api/options plus the businesses in reach */
  opts: null,
}

/** whether the signed-in person may do an action (as /console/api/me answered) */
export const can = (action) => !!(session.me && session.me.can[action])
